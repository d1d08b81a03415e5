package dnsfuzz

import "golang.org/x/net/dns/dnsmessage"

type dnsmessageMessage = dnsmessage.Message
