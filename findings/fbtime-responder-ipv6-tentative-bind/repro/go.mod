module repro

go 1.26.0

require (
	github.com/facebook/time v0.0.0-20260822211804-f81aedc1c1e3
	github.com/sirupsen/logrus v1.9.1
	golang.org/x/sys v0.45.0
)

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/josharian/native v1.0.0 // indirect
	github.com/jsimonetti/rtnetlink v1.2.0 // indirect
	github.com/mdlayher/netlink v1.6.0 // indirect
	github.com/mdlayher/socket v0.2.3 // indirect
	github.com/tink-crypto/tink-go/v2 v2.4.0 // indirect
	golang.org/x/crypto v0.52.0 // indirect
	golang.org/x/net v0.55.0 // indirect
	golang.org/x/sync v0.5.0 // indirect
	google.golang.org/protobuf v1.36.5 // indirect
)
