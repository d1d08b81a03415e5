module repro

go 1.26.0

require github.com/beevik/ntp v1.6.0

require (
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
