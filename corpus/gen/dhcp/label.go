package main

// labelSeeds returns RFC 1035 name lists as DHCP carries them in option
// 119 (RFC 3397) and OPTION_DOMAIN_LIST (RFC 3646): plain, compressed with
// pointers, the root name, and the upstream FuzzLabel seeds' shapes.
func labelSeeds() []seed {
	return []seed{
		{labelsBytes("example.net"), "one name"},
		{labelsBytes("example.net", "lab.example.net", "example.org"), "three names, uncompressed"},
		{labelsBytes(""), "the root name alone"},
		{[]byte{
			7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
			3, 'f', 'o', 'o', 0xc0, 0x00,
			3, 'b', 'a', 'r', 0xc0, 0x0d,
		}, "RFC 3397 section 2 style: names sharing suffixes through pointers"},
		{[]byte{
			9, 's', 'l', 'a', 'c', 'k', 'w', 'a', 'r', 'e', 2, 'i', 't', 0,
			9, 'i', 'n', 's', 'o', 'm', 'n', 'i', 'a', 'c', 0xc0, 0,
		}, "pointer to the first name (shape of the upstream FuzzLabel seed)"},
		{[]byte{3, 'a', 'b', 'c', 0xc0, 0x05, 0}, "pointer past the end of a name"},
		{[]byte{5, 'a', '.', 'b', 'c', 'd', 0}, "a label containing a dot byte"},
		{[]byte{63, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
			'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 0}, "a maximal 63-byte label"},
		{[]byte{2, 'n', 'o'}, "a name without its terminating zero"},
	}
}
