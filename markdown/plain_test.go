package markdown

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	src := "# Configuración de la VPN\n\nAbra **FortiClient** y pulse *Conectar*.\n\n" +
		"1. Uno\n2. Dos\n\n| Error | Solución |\n|---|---|\n| 809 | Abrir puertos |\n\n" +
		"~~~powershell\nGet-VpnConnection\n~~~\n\nVea [la guía](https://example.com/x) o https://support.example.com\n\n<script>alert(1)</script>\n"
	got := PlainText(src)
	for _, want := range []string{"Configuración de la VPN", "Abra FortiClient y pulse Conectar.", "Uno", "Dos", "809", "Abrir puertos", "Get-VpnConnection", "Vea la guía o https://support.example.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("plain text lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"**", "#", "|", "~~~", "<script>", "](https"} {
		if strings.Contains(got, bad) {
			t.Errorf("plain text keeps markup %q:\n%s", bad, got)
		}
	}
}
