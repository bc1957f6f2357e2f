package app

import (
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/greenhouse"
	"github.com/talentsystems/talentsystems/internal/jobs"
	"github.com/talentsystems/talentsystems/internal/secretbox"
)

// greenhouseDeps turns the configuration into what the completion callback needs.
func greenhouseDeps(cfg *config.Config, box *secretbox.Box) jobs.GreenhouseDeps {
	g := cfg.Greenhouse
	return jobs.GreenhouseDeps{
		Box:        box,
		Guard:      greenhouse.Guard{Sandbox: g.SandboxHosts},
		Auth:       g.CallbackAuth,
		Credential: g.CallbackCredential.Reveal(),
		Timeout:    g.CallbackTimeout,
		RetryBase:  g.CallbackRetryBase,
		RetryMax:   g.CallbackRetryMax,
		MaxTries:   g.CallbackMaxTries,
		UserAgent:  "TalentSystems-Greenhouse-Callback/1 (+" + cfg.BaseURL + ")",
	}
}
