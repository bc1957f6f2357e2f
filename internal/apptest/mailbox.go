package apptest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/talentsystems/talentsystems/internal/config"
)

// Mailbox is a real SMTP server on loopback that keeps what it receives.
type Mailbox struct {
	mu       sync.Mutex
	messages []Message
	failNext int
	addr     *net.TCPAddr
}

// Message is one received mail, decoded.
type Message struct {
	From, To, Subject string
	Text, HTML        string
	Raw               []byte
}

// NewMailbox starts an SMTP server for the test's lifetime.
func NewMailbox(t testing.TB) *Mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailbox{addr: ln.Addr().(*net.TCPAddr)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{box: m}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 10 << 20
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return m
}

// SMTP returns the settings that deliver to this mailbox.
func (m *Mailbox) SMTP() config.SMTP {
	return config.SMTP{Host: "127.0.0.1", Port: m.addr.Port, From: "Talent Systems <no-reply@talentsystems.test>", TLS: "none"}
}

// FailNext makes the server refuse the next n messages with a temporary error.
func (m *Mailbox) FailNext(n int) {
	m.mu.Lock()
	m.failNext = n
	m.mu.Unlock()
}

// Messages returns what arrived so far.
func (m *Mailbox) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Message(nil), m.messages...)
}

// WaitFor returns the first message to addr, waiting up to timeout.
func (m *Mailbox) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	var found *Message
	Eventually(t, timeout, "a mail to "+to, func() bool {
		for _, msg := range m.Messages() {
			if strings.EqualFold(msg.To, to) {
				found = &msg
				return true
			}
		}
		return false
	})
	return *found
}

type session struct {
	box      *Mailbox
	from, to string
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.failNext > 0 {
		s.box.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	msg, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unparseable message: " + err.Error()}
	}
	msg.From, msg.To = s.from, s.to
	s.box.messages = append(s.box.messages, msg)
	return nil
}

func parse(raw []byte) (Message, error) {
	pm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(pm.Header.Get("Subject"))
	msg := Message{Subject: subject, Raw: raw}
	_, params, err := mime.ParseMediaType(pm.Header.Get("Content-Type"))
	if err != nil {
		return Message{}, err
	}
	mr := multipart.NewReader(pm.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Message{}, err
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			return Message{}, err
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			msg.HTML = string(body)
		} else {
			msg.Text = string(body)
		}
	}
	return msg, nil
}
