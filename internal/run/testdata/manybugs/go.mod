module example.com/manybugs

go 1.26
