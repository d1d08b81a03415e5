module repro

go 1.26

require codeberg.org/miekg/dns v0.6.0

require (
	golang.org/x/crypto v0.45.0 // indirect
	golang.org/x/net v0.47.0 // indirect
	golang.org/x/sys v0.38.0 // indirect
)
