package seed

import (
	"slices"
	"testing"

	"helpdesk/seed/corpus"
)

func TestCompanyLocalesAndDomains(t *testing.T) {
	// Companies decide the locale of their tickets: both must be well represented, and the
	// first three (which get demo logins) must include both.
	english, domains := 0, map[string]string{}
	for _, name := range corpus.CompanyNames {
		if isEnglishCompany(name) {
			english++
		}
		d := domainFor(name)
		if other, dup := domains[d]; dup {
			t.Errorf("companies %q and %q share the e-mail domain %s", name, other, d)
		}
		domains[d] = name
	}
	if spanish := len(corpus.CompanyNames) - english; english < 15 || spanish < 15 {
		t.Errorf("%d English and %d Spanish companies, want roughly half each", english, spanish)
	}
	if first := corpus.CompanyNames[:3]; !slices.ContainsFunc(first, isEnglishCompany) ||
		!slices.ContainsFunc(first, func(s string) bool { return !isEnglishCompany(s) }) {
		t.Errorf("first three companies %v should include both locales", first)
	}
}
