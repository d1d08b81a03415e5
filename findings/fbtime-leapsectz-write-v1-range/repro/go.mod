module repro

go 1.26.0

require github.com/facebook/time v0.0.0-20260822211804-f81aedc1c1e3
