// Package arch holds no code: its test checks the module's layering rule,
// that pages and commands reach the database only through the services.
package arch
