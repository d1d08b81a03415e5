package ntpfuzz

// What fuzz/ntpns, which runs the same responder inside a network
// namespace, shares with Responder: the server's verdict on one request
// (through its Stats interface) and the oracles on its answer.

// Outcome is how the responder finished with one request.
type Outcome = outcome

// The terminal outcomes, one per request the server reads.
const (
	OutReadError      = outReadError
	OutInvalidFormat  = outInvalidFormat
	OutCookieOpenFail = outCookieOpenFail
	OutAuthFail       = outAuthFail
	OutResponse       = outResponse
)

// OutcomeStats implements server.Stats, turning its terminal counters into
// Outcomes on Events.
type OutcomeStats = outcomeStats

// NewOutcomeStats returns Stats whose Events channel holds up to 16
// outcomes; an outcome nobody has room for is dropped, never blocking the
// server.
func NewOutcomeStats() *OutcomeStats { return &outcomeStats{events: make(chan outcome, 16)} }

// Events delivers the outcomes.
func (s *outcomeStats) Events() <-chan Outcome { return s.events }

// CheckResponder applies Responder's oracles to the request the server
// read, its reply (nil for none) and the server's outcome.
func CheckResponder(req, reply []byte, out Outcome) error { return checkResponder(req, reply, out) }
