module repro

go 1.26.0

require github.com/facebook/time v0.0.0-20260822211804-f81aedc1c1e3

require (
	github.com/tink-crypto/tink-go/v2 v2.4.0 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	google.golang.org/protobuf v1.36.5 // indirect
)
