module example.com/guardmod

go 1.26
