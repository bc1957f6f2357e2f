// Package mail delivers outgoing messages over SMTP, or, when no server is
// configured, writes them to the log so that a newcomer still sees them.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/config"
)

// Message is one mail with a plain-text and an HTML body.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Sender delivers a message. Logged reports that it went to the log, not a server.
type Sender interface {
	Send(ctx context.Context, m Message) (logged bool, err error)
}

// New returns the SMTP sender for cfg, or a log sender when no host is set.
func New(cfg config.SMTP, log *slog.Logger) Sender {
	if cfg.Host == "" {
		return logSender{log: log}
	}
	return &smtpSender{cfg: cfg}
}

type logSender struct{ log *slog.Logger }

func (l logSender) Send(_ context.Context, m Message) (bool, error) {
	l.log.Info("mail (no SMTP server configured; also in the staff outbox)", "to", m.To, "subject", m.Subject, "body", m.Text)
	return true, nil
}

type smtpSender struct{ cfg config.SMTP }

func (s *smtpSender) Send(ctx context.Context, m Message) (bool, error) {
	from, err := mail.ParseAddress(s.cfg.From)
	if err != nil {
		return false, fmt.Errorf("mail: sender address %q: %w", s.cfg.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return false, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	raw, err := Compose(from, to, m, time.Now())
	if err != nil {
		return false, err
	}
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	d := net.Dialer{Timeout: 15 * time.Second}
	var conn net.Conn
	if s.cfg.TLS == "tls" {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: &tls.Config{ServerName: s.cfg.Host}}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return false, fmt.Errorf("mail: connect %s: %w", addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(time.Minute))
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return false, fmt.Errorf("mail: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if s.cfg.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return false, fmt.Errorf("mail: %s does not offer STARTTLS (set TS_SMTP_TLS=none to send in clear)", addr)
		}
		if err := c.StartTLS(&tls.Config{ServerName: s.cfg.Host}); err != nil {
			return false, fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password.Reveal(), s.cfg.Host)); err != nil {
			return false, fmt.Errorf("mail: authenticate: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return false, fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return false, fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return false, fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return false, fmt.Errorf("mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return false, fmt.Errorf("mail: end of data: %w", err)
	}
	return false, c.Quit()
}

// Compose renders m as an RFC 5322 message with text and HTML alternatives.
func Compose(from, to *mail.Address, m Message, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
	mw := multipart.NewWriter(&buf)
	hdr := []struct{ k, v string }{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "multipart/alternative; boundary=" + mw.Boundary()},
	}
	for _, h := range hdr {
		fmt.Fprintf(&buf, "%s: %s\r\n", h.k, h.v)
	}
	buf.WriteString("\r\n")
	for _, part := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if part.body == "" {
			continue
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		qp.Write([]byte(part.body))
		qp.Close()
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
