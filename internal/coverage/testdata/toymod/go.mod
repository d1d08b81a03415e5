module example.com/toymod

go 1.26
