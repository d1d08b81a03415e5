package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Text writes crashes as a table, one line per crash.
func Text(w io.Writer, crashes []*Crash) error {
	if len(crashes) == 0 {
		_, err := fmt.Fprintln(w, "no crashes stored")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTARGET\tSTATUS\tKIND\tCOUNT\tSIZE\tLAST SEEN\tFINDING\tTITLE")
	for _, c := range crashes {
		size := fmt.Sprint(c.Input.Size)
		switch {
		case c.Minimizable():
			size += "*"
		case !c.Minimized && !c.NoReproducer:
			size += "~"
		}
		finding := "-"
		if c.Finding != nil {
			finding = c.Finding.ID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", c.ID, c.TargetID(), c.StatusText(), c.Kind, c.Count, size, c.LastSeen.Format(time.DateOnly), finding, Clean(c.Title, true))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var todo, cannot bool
	for _, c := range crashes {
		todo = todo || c.Minimizable()
		cannot = cannot || !c.Minimized && !c.NoReproducer && !c.Minimizable()
	}
	if todo || cannot {
		fmt.Fprintln(w)
	}
	if todo {
		fmt.Fprintln(w, "* not yet minimised ('fuzzrun minimize -all')")
	}
	if cannot {
		fmt.Fprintln(w, "~ not minimised, and cannot be: the input no longer fails as the entry's own signature (a duplicate, stale or fixed entry; minimisation keeps the signature)")
	}
	return nil
}
