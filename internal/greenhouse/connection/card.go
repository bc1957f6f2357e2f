package connection

import (
	"context"
	"strings"

	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

// Card is the Harvest API section of the Greenhouse integration card.
type Card struct {
	// Enabled is false when this server has no OAuth client configured.
	Enabled bool
	// Conn is the connection, nil when not connected.
	Conn *model.HarvestConnection
	// Scopes are the granted scopes, for display.
	Scopes []string
}

// Status is the badge text: Not connected, Connected or Reconnect needed.
func (c *Card) Status() string {
	switch {
	case c.Conn == nil:
		return "Not connected"
	case c.Conn.Status == model.HarvestConnected:
		return "Connected"
	}
	return "Reconnect needed"
}

// BadgeClass is the badge's CSS class.
func (c *Card) BadgeClass() string {
	switch c.Status() {
	case "Connected":
		return "badge-active"
	case "Reconnect needed":
		return "badge-failed"
	}
	return "badge-closed"
}

// Card returns the organization's Harvest section.
func (s *Service) Card(ctx context.Context, orgID int64) (*Card, error) {
	c := &Card{Enabled: s.Enabled()}
	conn, err := store.HarvestConnection(ctx, s.store.DB, orgID)
	if err != nil {
		return nil, err
	}
	if conn != nil {
		c.Conn, c.Scopes = conn, strings.Fields(conn.Scopes)
	}
	return c, nil
}

// Connected reports whether the organization has a working connection.
func (s *Service) Connected(ctx context.Context, orgID int64) (bool, error) {
	conn, err := store.HarvestConnection(ctx, s.store.DB, orgID)
	return err == nil && conn != nil && conn.Status == model.HarvestConnected, err
}
