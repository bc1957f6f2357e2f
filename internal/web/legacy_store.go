package web

import "github.com/talentsystems/talentsystems/internal/store"

// GreenhouseStore gives the Greenhouse handlers the store while they move
// behind their own service on another branch; every other handler reaches
// the database through a service. Delete it when they no longer use it.
type GreenhouseStore struct{ Store *store.Store }

// legacyStore is embedded in Server so that the Greenhouse handlers' s.store
// still resolves.
type legacyStore struct{ store *store.Store }
