package ntpfuzz

import (
	"testing"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func FuzzPacket(f *testing.F) {
	harness.Seed(f, "ntp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Packet) })
}

func FuzzExtensionFields(f *testing.F) {
	harness.Seed(f, "ntp-ef")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ExtensionFields) })
}

func FuzzClient(f *testing.F) {
	harness.Seed(f, "ntp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Client) })
}

func FuzzDifferential(f *testing.F) {
	harness.Seed(f, "ntp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Differential) })
}

func FuzzChrony(f *testing.F) {
	harness.Seed(f, "chrony")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Chrony) })
}

func FuzzControl(f *testing.F) {
	harness.Seed(f, "ntp-control")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Control) })
}

func FuzzNTSVerify(f *testing.F) {
	harness.Seed(f, "ntp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NTS) })
}

func FuzzResponder(f *testing.F) {
	harness.Seed(f, "ntp")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Responder) })
}

func FuzzNTSKERecords(f *testing.F) {
	harness.Seed(f, "ntske")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NTSKERecords) })
}

func FuzzNTSKEClient(f *testing.F) {
	harness.Seed(f, "ntske")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NTSKEClient) })
}

func FuzzNTSKEServer(f *testing.F) {
	harness.Seed(f, "ntske")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, NTSKEServer) })
}

func FuzzNTPStructured(f *testing.F) {
	harness.Seed(f, "ntp-structured")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, Structured) })
}

func FuzzLeapTZif(f *testing.F) {
	harness.Seed(f, "leap-tzif")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, LeapTZif) })
}

func FuzzLeapTable(f *testing.F) {
	harness.Seed(f, "leap-table")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, LeapTable) })
}

func FuzzQueryAddress(f *testing.F) {
	harness.Seed(f, "ntp-address")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, ClientAddress) })
}

func FuzzSHM(f *testing.F) {
	harness.Seed(f, "ntp-shm")
	f.Fuzz(func(t *testing.T, data []byte) { harness.Check(t, data, SHM) })
}
