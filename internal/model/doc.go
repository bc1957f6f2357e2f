// Package model holds the domain types shared by the services, the store and
// the pages: organizations, users, postings, candidates, attempts, mail, API
// keys and the Greenhouse integration's records, with their typed statuses.
// It has no behaviour beyond rules that belong to a single value (such as a
// candidate's effective status) and imports nothing of this module.
package model
