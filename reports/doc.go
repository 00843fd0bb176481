// Package reports renders results.Results for each reader: text for a
// terminal, JSON (the stable contract), JUnit for CI, HTML for a browser and
// Markdown for the pitfall catalogue. It reads results only; it never runs
// anything.
package reports
