package corednsfuzz

import (
	"sync"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"

	// The plugins the configurations use, and no others: each pulls in its
	// own dependencies, and an unimported plugin cannot be configured.
	_ "github.com/coredns/coredns/plugin/acl"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/dnssec"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/file"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/rewrite"
	_ "github.com/coredns/coredns/plugin/template"
)

// Directives is the plugin order of the servers, CoreDNS's own order
// (plugin.cfg) restricted to the imported plugins. A Corefile naming any
// other plugin fails to load ("unknown directive").
var Directives = []string{
	"bind", "errors", "log", "rewrite", "acl", "cache", "dnssec",
	"template", "hosts", "file", "loop", "forward",
}

var registerOnce sync.Once

// register sets CoreDNS's directive list to the imported plugins, once per
// process, and silences its startup banner.
func register() {
	registerOnce.Do(func() {
		if err := dnsserver.SetDirectives(Directives); err != nil {
			panic("corednsfuzz: " + err.Error())
		}
		if err := dnsserver.Register(); err != nil {
			panic("corednsfuzz: registering the dns server type: " + err.Error())
		}
		caddy.Quiet = true
		dnsserver.Quiet = true
	})
}
