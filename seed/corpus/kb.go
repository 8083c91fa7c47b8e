// Package corpus is the hand-written bilingual text the seed generator draws from: KB articles,
// ticket topics with their variants, replies and notes, company and person names. It imports
// nothing of the project, so benchmarks and tests of any package can read it.
package corpus

import "strings"

// Article is one hand-written KB article.
type Article struct {
	Slug     string // lowercase a-z0-9 and single hyphens, <=120 chars, unique across the corpus
	Title    string
	Category string   // one of the category names in KBCategories
	Tags     []string // 2-5 lowercase tags, e.g. "vpn", "windows", "outlook"
	Locale   string   // "es" or "en"
	Audience string   // "public", "clients" or "internal"
	Body     string   // markdown
}

// KBCategories are the knowledge-base categories, one name per topic.
var KBCategories = []string{
	"VPN y acceso remoto",
	"Impresoras y escáneres",
	"Correo y Outlook",
	"Copias de seguridad",
	"Active Directory y cuentas",
	"Wi-Fi y red",
	"Portátiles y equipos",
	"Licencias y software",
	"Seguridad",
	"Altas y bajas de empleados",
	"Procedimientos internos",
}

// md turns the stand-in ˋ (U+02CB, modifier letter grave accent) into a real backtick: Go raw
// strings cannot hold a backtick, and inline code reads better than escaping. Code blocks use
// ~~~ fences, which GFM supports.
func md(s string) string { return strings.ReplaceAll(s, "ˋ", "`") }

// KBArticles is the hand-written knowledge base, about half in Spanish and half in English.
var KBArticles = []Article{
	// ----------------------------------------------------------------- VPN y acceso remoto
	{
		Slug:     "configuracion-vpn-forticlient-windows-11",
		Title:    "Configuración de la VPN con FortiClient en Windows 11",
		Category: "VPN y acceso remoto",
		Tags:     []string{"vpn", "forticlient", "windows", "teletrabajo"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Configuración de la VPN con FortiClient en Windows 11

Esta guía explica cómo instalar y configurar **FortiClient VPN** para conectarte a la red de tu empresa desde casa o desde cualquier ubicación fuera de la oficina.

## Requisitos previos

- Un equipo con Windows 10 o Windows 11 con las actualizaciones al día.
- Tu usuario y contraseña de la red corporativa (los mismos con los que inicias sesión en el equipo).
- La aplicación **Microsoft Authenticator** configurada, si tu empresa utiliza doble factor (MFA).
- Los datos de conexión que te ha facilitado soporte: dirección del servidor y puerto.

## Instalación

1. Descarga *FortiClient VPN* (la edición gratuita, solo VPN) desde https://www.fortinet.com/support/product-downloads o desde el **Portal de empresa** si tu equipo está gestionado con Intune.
2. Ejecuta el instalador y acepta los términos de la licencia.
3. Reinicia el equipo si el instalador lo solicita.

## Crear la conexión

1. Abre FortiClient y pulsa **Configurar VPN**.
2. Rellena los campos como en la tabla:

| Campo | Valor |
|---|---|
| VPN | SSL-VPN |
| Nombre de la conexión | Oficina |
| Gateway remoto | vpn.empresa.example (te lo indica soporte) |
| Puerto personalizado | 443 o 10443 |
| Autenticación | Solicitar al iniciar sesión |

3. Pulsa **Guardar**.
4. Escribe tu usuario y contraseña y pulsa **Conectar**. Si tienes MFA, aprueba la notificación en el móvil.

## Comprobar que funciona

Con la VPN conectada, abre PowerShell y comprueba que llegas al servidor de ficheros:

~~~powershell
Test-NetConnection -ComputerName srv-ficheros.empresa.local -Port 445
~~~

Si ˋTcpTestSucceededˋ devuelve ˋTrueˋ, ya puedes abrir las unidades de red.

## Problemas frecuentes

- **Se queda parada en el 40 %**: suele deberse a la fecha y hora del equipo o a un certificado caducado. Comprueba que la hora de Windows es correcta.
- **Error -7200 ("Credential or SSLVPN configuration is wrong")**: revisa usuario y contraseña; si la cambiaste hace poco, usa la nueva.
- **Conecta pero no se abren las carpetas**: consulta el artículo *VPN connects but internal sites don't load*.

¿Sigue sin funcionar? Abre un ticket en https://support.example.com con la versión de FortiClient y una captura del error.
`),
	},
	{
		Slug:     "wireguard-vpn-setup-windows-macos",
		Title:    "Connecting to the office with WireGuard on Windows and macOS",
		Category: "VPN y acceso remoto",
		Tags:     []string{"vpn", "wireguard", "macos", "windows"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# Connecting to the office with WireGuard on Windows and macOS

Some of our clients use **WireGuard** instead of a traditional SSL VPN. It is fast, reconnects instantly when you change networks and uses a small configuration file instead of a username and password.

## What you will receive

Your help desk engineer will send you a personal configuration file (ˋnombre-apellido.confˋ) through a secure link. **Never forward this file**: it contains your private key and works like a password.

A typical file looks like this (keys shortened):

~~~ini
[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
Address = 10.8.0.23/32
DNS = 10.0.0.10

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
Endpoint = vpn.client.example:51820
AllowedIPs = 10.0.0.0/16
PersistentKeepalive = 25
~~~

## Windows

1. Download the installer from https://www.wireguard.com/install/ and run it.
2. Open WireGuard and click **Import tunnel(s) from file**.
3. Select your ˋ.confˋ file and click **Activate**.
4. The status changes to *Active* and the *Latest handshake* counter starts updating.

## macOS

1. Install **WireGuard** from the Mac App Store.
2. Click the WireGuard icon in the menu bar and choose **Import Tunnel(s) from File…**
3. Allow macOS to add the VPN configuration when prompted.
4. Select the tunnel and click **Activate**.

## Checking the connection

Open Terminal (macOS) or PowerShell (Windows) and ping an internal server:

~~~bash
ping -c 4 10.0.0.10
~~~

If there is no *Latest handshake*, the tunnel cannot reach the server: check that UDP port 51820 is not blocked by the network you are on (hotel and airport Wi-Fi often block it).

## Good to know

- *AllowedIPs* decides which traffic goes through the tunnel. Ours only sends office traffic, so your home internet is not slowed down.
- If you change laptops, ask for a **new** configuration file. Copying the old one to another device will cause both to disconnect each other.
- Lost or stolen device? Tell us immediately so we can revoke the key.
`),
	},
	{
		Slug:     "error-809-vpn-l2tp-ipsec",
		Title:    "Error 809 en VPN L2TP/IPsec: causas y solución",
		Category: "VPN y acceso remoto",
		Tags:     []string{"vpn", "l2tp", "error-809", "windows"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Error 809 en VPN L2TP/IPsec: causas y solución

El **error 809** aparece al conectar la VPN nativa de Windows (L2TP/IPsec) con el mensaje *"No se pudo establecer la conexión de red entre el equipo y el servidor VPN porque el servidor remoto no responde"*.

En la gran mayoría de los casos el servidor sí responde: el problema es que el equipo o el router de casa están detrás de **NAT** y Windows, por defecto, no permite L2TP/IPsec a través de NAT.

## Causas habituales

| Causa | Cómo reconocerla | Solución |
|---|---|---|
| NAT-T deshabilitado en Windows | Falla desde casa, funciona con el móvil compartiendo datos a veces | Crear la clave de registro (ver abajo) |
| Puertos UDP 500 y 4500 bloqueados | Falla en hoteles o redes de invitados | Probar otra red o usar la VPN SSL |
| Servicio IKEEXT detenido | Falla siempre, en cualquier red | Iniciar el servicio *Módulos de creación de claves IKE* |
| Clave precompartida incorrecta | El error cambia a 789 o 812 | Revisar la clave con soporte |

## Solución: permitir L2TP detrás de NAT

Necesitas permisos de administrador. Abre **Símbolo del sistema como administrador** y ejecuta:

~~~cmd
reg add HKLM\SYSTEM\CurrentControlSet\Services\PolicyAgent /v AssumeUDPEncapsulationContextOnSendRule /t REG_DWORD /d 2 /f
~~~

Después **reinicia el equipo**: el cambio no se aplica hasta el reinicio.

El valor ˋ2ˋ indica que tanto el cliente como el servidor pueden estar detrás de NAT, que es la situación normal en teletrabajo.

## Comprobar el servicio IKE

~~~powershell
Get-Service IKEEXT, PolicyAgent | Select-Object Name, Status, StartType
~~~

Ambos servicios deben estar en *Running*. Si no lo están:

~~~powershell
Start-Service IKEEXT, PolicyAgent
~~~

## Si sigue fallando

1. Prueba desde otra red (por ejemplo, compartiendo datos desde el móvil).
2. Desactiva temporalmente el antivirus de terceros, que a veces bloquea IPsec.
3. Anota la hora exacta del intento y abre un ticket: con ella revisamos el registro del firewall.

> **Nota:** L2TP/IPsec es un protocolo antiguo. Si tu empresa lo sigue usando, pregunta a tu consultor por la migración a FortiClient SSL-VPN o WireGuard.
`),
	},
	{
		Slug:     "vpn-connected-internal-sites-not-loading",
		Title:    "VPN connects but internal sites don't load",
		Category: "VPN y acceso remoto",
		Tags:     []string{"vpn", "dns", "network", "troubleshooting"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# VPN connects but internal sites don't load

Your VPN client says *Connected*, but the intranet, the ERP or the mapped drives still don't open. This is almost always a **DNS** or **routing** issue rather than a problem with your account.

## Quick checks

1. Disconnect and reconnect the VPN.
2. Try the server by IP address instead of name (ask us for it). If the IP works but the name doesn't, it is DNS.
3. Check that you are not connected to **two** VPNs at once (for example a personal VPN such as NordVPN plus the company one).
4. Restart the laptop: it clears stale routes and DNS caches.

## Check name resolution (Windows)

~~~powershell
Resolve-DnsName intranet.company.local
Get-DnsClientServerAddress -AddressFamily IPv4 | Where-Object ServerAddresses
~~~

The VPN adapter should list the company DNS server (usually ˋ10.x.x.10ˋ). If ˋResolve-DnsNameˋ fails, flush the cache:

~~~cmd
ipconfig /flushdns
ipconfig /registerdns
~~~

## Check name resolution (macOS)

~~~bash
scutil --dns | grep nameserver
sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder
~~~

## Home network overlaps with the office

If your home router uses the same range as the office (for example both use ˋ192.168.1.0/24ˋ), your laptop cannot tell which network a server lives on.

| Symptom | Likely cause | Fix |
|---|---|---|
| Some servers work, others don't | Overlapping subnet | Change the home router range to ˋ192.168.50.0/24ˋ |
| Nothing internal works, internet is fine | VPN DNS not applied | Reconnect; reinstall the VPN client |
| Internet stops while on VPN | Full tunnel with broken proxy | Open a ticket, we will check the profile |
| Works for a few minutes, then stops | Wi-Fi power saving or unstable link | Use a cable or move closer to the router |

## Still stuck?

Open a ticket at https://support.example.com and paste the output of:

~~~cmd
ipconfig /all > %USERPROFILE%\Desktop\ipconfig.txt
route print > %USERPROFILE%\Desktop\routes.txt
~~~

Attach both files. They let us see your addresses and routes without a remote session.
`),
	},
	// ---------------------------------------------------------------- Impresoras y escáneres
	{
		Slug:     "impresora-no-imprime-pasos-basicos",
		Title:    "Impresora no imprime: pasos básicos",
		Category: "Impresoras y escáneres",
		Tags:     []string{"impresora", "windows", "cola-de-impresion"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Impresora no imprime: pasos básicos

Antes de abrir un ticket, revisa estos puntos. Resuelven más de la mitad de las incidencias de impresión que recibimos.

## 1. Comprueba la propia impresora

- [ ] Está encendida y la pantalla no muestra ningún error (*atasco*, *sin papel*, *tapa abierta*).
- [ ] Tiene papel en la bandeja correcta (A4, no carta).
- [ ] El tóner o la tinta no está agotado.
- [ ] El cable de red está conectado o, si es Wi-Fi, el indicador de red está encendido.

Si la pantalla indica un atasco, sigue las instrucciones que aparecen en ella: abre solo las tapas que indica y tira del papel **en el sentido de avance**.

## 2. Comprueba la impresora en Windows

1. Abre **Configuración > Bluetooth y dispositivos > Impresoras y escáneres**.
2. Selecciona tu impresora y pulsa **Abrir cola de impresión**.
3. Si ves documentos con estado *Error* o que no avanzan, cancélalos todos.
4. Comprueba que en el menú **Impresora** no está marcada la opción *Usar impresora sin conexión*.

También puedes comprobar si el equipo llega a la impresora:

~~~cmd
ping 192.168.1.50
~~~

(Sustituye la IP por la de tu impresora; aparece en su pantalla, en *Red* o *Información*.)

## 3. Imprime una página de prueba

Desde **Propiedades de impresora > Imprimir página de prueba**. Si la página de prueba sale pero tu documento no, el problema está en la aplicación o en el archivo, no en la impresora.

## 4. Reinicia en este orden

1. La impresora (apágala 30 segundos).
2. El equipo.
3. Vuelve a intentar imprimir.

## Cuándo abrir un ticket

Abre un ticket si después de estos pasos sigue sin imprimir, e indica:

- Modelo de la impresora y oficina donde está.
- Si el problema afecta solo a tu equipo o a varios compañeros.
- El mensaje de error exacto, si aparece alguno.

Si la cola se queda atascada de forma repetida, consulta *Printer queue stuck: how to clear it*.
`),
	},
	{
		Slug:     "printer-queue-stuck-how-to-clear-it",
		Title:    "Printer queue stuck: how to clear it",
		Category: "Impresoras y escáneres",
		Tags:     []string{"printers", "spooler", "windows", "powershell"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Printer queue stuck: how to clear it

A document sits in the queue with the status *Printing* or *Error* and nothing else prints behind it. Cancelling it does nothing, or it stays at *Deleting* forever. The fix is to restart the **Print Spooler** service and empty its folder.

## Option 1: from the Windows settings (no admin rights)

1. Open **Settings > Bluetooth & devices > Printers & scanners**.
2. Select the printer and click **Open print queue**.
3. Choose **Printer > Cancel all documents**.
4. Wait one minute. If the job is gone, you are done.

## Option 2: restart the spooler (admin rights)

Open **Command Prompt as administrator** and run:

~~~cmd
net stop spooler
del /Q /F /S "%systemroot%\System32\spool\PRINTERS\*.*"
net start spooler
~~~

Or, in PowerShell as administrator:

~~~powershell
Stop-Service -Name Spooler -Force
Remove-Item -Path "$env:SystemRoot\System32\spool\PRINTERS\*" -Force
Start-Service -Name Spooler
Get-Printer | Get-PrintJob
~~~

The last command should return nothing: the queue is empty.

## Why does it keep happening?

| Symptom | Likely cause | What to do |
|---|---|---|
| Only large PDFs get stuck | Driver runs out of memory | Print as image from Acrobat, or update the driver |
| All users, one printer | Printer firmware or full internal memory | Power-cycle the printer; we schedule a firmware update |
| One user, all printers | Corrupt spooler or third-party add-in | Restart spooler; we reinstall drivers |
| Jobs vanish with no output | Wrong port or IP changed | Check the port under *Printer properties > Ports* |

## On a print server

If everyone in the office uses a shared printer through a print server (ˋ\\srv-print01ˋ), clearing your local queue won't help: the job is stuck on the server. Open a ticket and mark it **urgent** if the whole office is affected, and we will restart the spooler on the server.

## Before you open a ticket

- [ ] I have power-cycled the printer.
- [ ] I have cancelled all documents in the queue.
- [ ] I have tried printing a test page.
- [ ] I know whether colleagues can print.
`),
	},
	{
		Slug:     "instalar-controlador-impresora-red",
		Title:    "Instalar el controlador de una impresora de red (HP, Brother, Kyocera)",
		Category: "Impresoras y escáneres",
		Tags:     []string{"impresora", "drivers", "hp", "brother", "kyocera"},
		Locale:   "es",
		Audience: "clients",
		Body: md(`# Instalar el controlador de una impresora de red (HP, Brother, Kyocera)

Cuando Windows añade una impresora con el controlador genérico, es habitual que no aparezcan opciones como la bandeja, el dúplex o el grapado, o que los PDF salgan con caracteres raros. La solución es instalar el **controlador oficial del fabricante**.

## Antes de empezar

- Necesitas permisos de administrador en el equipo. Si no los tienes, abre un ticket y lo instalaremos nosotros en remoto.
- Anota el **modelo exacto** (por ejemplo *HP LaserJet Pro M404dn*) y la **dirección IP** de la impresora.

## Dónde descargar el controlador

| Fabricante | Página de descarga | Controlador recomendado |
|---|---|---|
| HP | https://support.hp.com/drivers | *HP Universal Print Driver* PCL 6 |
| Brother | https://support.brother.com | *Paquete completo de controladores y software* |
| Kyocera | https://www.kyoceradocumentsolutions.eu | *KX Driver* |
| Ricoh | https://support.ricoh.com | *PCL 6 Driver for Universal Print* |

Evita las webs de terceros que ofrecen "actualizadores de controladores": suelen incluir publicidad o malware.

## Pasos

1. Descarga y ejecuta el instalador del fabricante.
2. Cuando pregunte por el tipo de conexión, elige **Red** (no USB).
3. Si no encuentra la impresora automáticamente, introduce la IP a mano.
4. Marca la impresora como **predeterminada** si es la que más usas.
5. Imprime una página de prueba.

## Añadirla con PowerShell (técnicos)

Si el controlador ya está en el almacén de controladores del equipo:

~~~powershell
Add-PrinterPort -Name "IP_192.168.1.50" -PrinterHostAddress "192.168.1.50"
Add-PrinterDriver -Name "HP Universal Printing PCL 6"
Add-Printer -Name "HP Planta 2" -DriverName "HP Universal Printing PCL 6" -PortName "IP_192.168.1.50"
~~~

## Si la impresora está compartida desde un servidor

En oficinas con servidor de impresión no hace falta descargar nada: abre el Explorador, escribe ˋ\\srv-print01ˋ en la barra de direcciones y haz doble clic sobre la impresora. Windows descargará el controlador del servidor.

Si aparece el aviso *"¿Confías en esta impresora?"* o un error ˋ0x0000011bˋ, abre un ticket: es una restricción de seguridad de Windows (PrintNightmare) que debemos ajustar en el servidor.
`),
	},
	{
		Slug:     "scan-to-email-multifunction-printers",
		Title:    "Setting up scan to email on multifunction printers",
		Category: "Impresoras y escáneres",
		Tags:     []string{"printers", "scanner", "smtp", "microsoft-365"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# Setting up scan to email on multifunction printers

Since Microsoft retired basic authentication in Exchange Online, many older multifunction printers (MFPs) stopped sending scans by email. This article explains the supported options and how to configure them.

## Choose a sending method

| Method | Needs a mailbox licence | Sends to external addresses | Best for |
|---|---|---|---|
| SMTP AUTH client submission (ˋsmtp.office365.com:587ˋ) | Yes | Yes | Small offices, printers that support TLS 1.2 |
| Direct send (ˋtenant.mail.protection.outlook.comˋ:25) | No | No, internal only | Scanning to colleagues |
| SMTP relay with a connector | No | Yes | Offices with a fixed public IP |
| Scan to SharePoint/OneDrive app | No | n/a | Modern devices (HP Workpath, Kyocera HyPAS) |

Most of our clients use **direct send**: it needs no password, so nothing breaks when passwords change.

## Configure direct send

1. Find your MX endpoint: in the Microsoft 365 admin center go to **Settings > Domains**, select your domain and copy the MX record value, for example ˋcontoso-com.mail.protection.outlook.comˋ.
2. Open the printer's web page (type its IP address in a browser) and log in as administrator.
3. Go to **Email / SMTP settings** and enter:

~~~text
SMTP server:   contoso-com.mail.protection.outlook.com
Port:          25
TLS/STARTTLS:  enabled
Authentication: none
Sender:        scanner@contoso.com
~~~

4. Save and send a test scan to your own address.

## Make sure the scans are not marked as spam

Add your office public IP to the SPF record of the domain, for example:

~~~text
v=spf1 ip4:203.0.113.25 include:spf.protection.outlook.com -all
~~~

See *SPF, DKIM and DMARC for client domains* for details.

## Troubleshooting

- **"Connection failed" on the printer**: port 25 is blocked by your internet provider. Use SMTP relay via port 587 with a connector instead, or ask us.
- **Scans arrive hours later or in Junk**: SPF is missing the office IP.
- **Error 5.7.57 or 535 5.7.139**: the printer is trying to authenticate and SMTP AUTH is disabled for the mailbox. Either enable it for that single mailbox or switch to direct send.
- **Attachment too large**: lower the resolution to 200 dpi and use PDF compact/high compression.

If you prefer, open a ticket and we will configure it remotely; we only need the printer's IP and temporary admin access to its web page.
`),
	},
	// ---------------------------------------------------------------------- Correo y Outlook
	{
		Slug:     "crear-perfil-nuevo-outlook",
		Title:    "Crear un perfil nuevo de Outlook en Windows",
		Category: "Correo y Outlook",
		Tags:     []string{"outlook", "correo", "perfil", "windows"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Crear un perfil nuevo de Outlook en Windows

Crear un **perfil nuevo** soluciona muchos problemas de Outlook clásico: se queda en *"Cargando perfil"*, pide la contraseña una y otra vez, no sincroniza carpetas o muestra el error *"No se puede abrir el conjunto de carpetas"*.

Tu correo está en el servidor (Exchange Online), así que **no pierdes ningún mensaje** al crear un perfil nuevo. Lo único que se pierde es la configuración local: firmas guardadas solo en el equipo, reglas "solo en el cliente" y archivos PST que tuvieras abiertos.

## Antes de empezar

- [ ] Cierra Outlook por completo (comprueba en el Administrador de tareas que no queda ˋOUTLOOK.EXEˋ).
- [ ] Si usas archivos PST (archivos de datos locales), anota su ubicación.
- [ ] Copia tus firmas desde ˋ%APPDATA%\Microsoft\Signaturesˋ si no las tienes sincronizadas.

## Pasos

1. Abre el **Panel de control** (escribe *panel de control* en el menú Inicio).
2. Cambia la vista a *Iconos pequeños* y abre **Correo (Microsoft Outlook)**.
3. Pulsa **Mostrar perfiles…** y después **Agregar…**
4. Escribe un nombre, por ejemplo *Outlook2025*, y pulsa **Aceptar**.
5. Introduce tu dirección de correo; Outlook detectará la configuración automáticamente. Inicia sesión y aprueba el MFA si te lo pide.
6. De vuelta en la ventana de perfiles, marca **Usar siempre este perfil** y elige el nuevo.
7. Abre Outlook y espera a que termine la sincronización inicial (puede tardar desde minutos hasta horas si el buzón es grande).

También puedes abrir directamente el gestor de perfiles desde **Ejecutar** (Win + R):

~~~cmd
outlook.exe /profiles
~~~

## Después de crear el perfil

- Vuelve a abrir los archivos PST desde **Archivo > Abrir y exportar > Abrir archivo de datos de Outlook**.
- Comprueba que aparecen los buzones compartidos; si no, consulta *Acceder a un buzón compartido en Outlook y OWA*.
- Cuando todo funcione durante unos días, puedes eliminar el perfil antiguo.

## ¿Y en el nuevo Outlook?

El *nuevo Outlook para Windows* no usa perfiles. Si falla, ve a **Configuración > Cuentas**, quita la cuenta y vuelve a añadirla.
`),
	},
	{
		Slug:     "rebuild-corrupt-ost-file-outlook",
		Title:    "Rebuilding a corrupt OST file in Outlook",
		Category: "Correo y Outlook",
		Tags:     []string{"outlook", "ost", "email", "windows"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Rebuilding a corrupt OST file in Outlook

Outlook keeps an offline copy of your mailbox in an **.ost** file. When that file gets corrupted you may see missing emails, folders that never update, search returning nothing, or errors such as *"Outlook data file cannot be accessed"* or ˋ0x8004010Fˋ.

Because the OST is only a cache of what is on the server, rebuilding it is safe: Outlook downloads everything again.

## When to rebuild

- Sent items appear on your phone and in Outlook on the web, but not in Outlook on the PC.
- Outlook search says *"Something went wrong and your search couldn't be completed"* even after re-indexing.
- Outlook crashes on startup after a disk or power failure.

## Steps

1. Close Outlook (and Teams, which can lock the file).
2. Open the folder where OST files live:

~~~cmd
explorer %LOCALAPPDATA%\Microsoft\Outlook
~~~

3. Rename your OST file, e.g. ˋjane.doe@company.com.ostˋ to ˋjane.doe@company.com.ost.oldˋ. Renaming instead of deleting lets us recover anything that was never synced.
4. Open Outlook. It creates a new OST and starts downloading your mailbox.
5. When the status bar says **All folders are up to date**, check your recent items. Then you can delete the ˋ.oldˋ file.

## How long will it take?

| Mailbox size | Typical time on office network |
|---|---|
| Under 5 GB | 10–30 minutes |
| 5–20 GB | 1–3 hours |
| 20–50 GB | Half a day |

To speed it up, you can limit how much is cached: **File > Account Settings > Account Settings > Change** and move the *Download email for the past* slider to 12 months.

## Unsent items in the old OST

If you had messages in the *Outbox* or drafts created offline, they exist only in the old OST. Open a ticket before deleting it and we will extract them.

## Check disk health

Repeated OST corruption usually points to a failing disk or a full drive. Check free space and the disk status:

~~~powershell
Get-PSDrive C | Select-Object Used, Free
Get-PhysicalDisk | Select-Object FriendlyName, HealthStatus, OperationalStatus
~~~

If *HealthStatus* is not *Healthy*, back up your files and open a ticket straight away.
`),
	},
	{
		Slug:     "acceder-buzon-compartido-outlook-owa",
		Title:    "Acceder a un buzón compartido en Outlook y OWA",
		Category: "Correo y Outlook",
		Tags:     []string{"outlook", "buzon-compartido", "exchange", "owa"},
		Locale:   "es",
		Audience: "clients",
		Body: md(`# Acceder a un buzón compartido en Outlook y OWA

Los **buzones compartidos** (por ejemplo *facturacion@*, *info@* o *rrhh@*) permiten que varias personas lean y respondan el correo de un departamento sin compartir contraseñas. No necesitan licencia propia mientras ocupen menos de 50 GB.

## Solicitar acceso

El acceso lo concede un administrador. Abre un ticket indicando:

- Dirección del buzón compartido.
- Usuarios que necesitan acceso.
- Tipo de permiso:

| Permiso | Qué permite |
|---|---|
| Acceso total (*Full Access*) | Leer, mover y borrar mensajes; ver el buzón en Outlook |
| Enviar como (*Send As*) | Enviar correos que aparecen como enviados por el buzón |
| Enviar en nombre de (*Send on Behalf*) | El destinatario ve "Ana en nombre de Facturación" |

Lo más habitual es **Acceso total + Enviar como**.

## En Outlook clásico (Windows)

Si el acceso se concedió con *automapping*, el buzón aparece solo en el panel de carpetas en un plazo de **hasta 60 minutos**. Cierra y abre Outlook si no lo ves.

Para añadirlo a mano:

1. **Archivo > Configuración de la cuenta > Configuración de la cuenta**.
2. Selecciona tu cuenta y pulsa **Cambiar > Más configuraciones > Avanzadas**.
3. En *Abrir también estos buzones*, pulsa **Agregar** y escribe el nombre del buzón.

## En Outlook en la Web (OWA)

1. Entra en https://outlook.office.com.
2. Haz clic derecho en **Carpetas** y elige **Agregar carpeta o buzón compartido**.
3. Escribe la dirección y pulsa **Agregar**.

## Enviar desde el buzón compartido

En un mensaje nuevo, pulsa **Opciones > Mostrar De** y elige la dirección del buzón en el campo **De**. Si aparece el error *"No tiene permiso para enviar el mensaje en nombre del usuario especificado"*, te falta el permiso *Enviar como*.

## Elementos enviados

Por defecto, lo que envías como el buzón compartido se guarda en **tus** Elementos enviados. Para los administradores, así se cambia:

~~~powershell
Set-Mailbox -Identity facturacion@empresa.example -MessageCopyForSentAsEnabled $true -MessageCopyForSendOnBehalfEnabled $true
~~~
`),
	},
	{
		Slug:     "spf-dkim-dmarc-client-domains",
		Title:    "SPF, DKIM and DMARC for client domains",
		Category: "Correo y Outlook",
		Tags:     []string{"email", "dns", "spf", "dkim", "dmarc"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# SPF, DKIM and DMARC for client domains

This article is for **IT contacts and administrators** at client companies. Since 2024, Google and Yahoo reject or junk bulk mail from domains without proper authentication, and Microsoft applies the same rules to Outlook.com. Every domain that sends email should have SPF, DKIM and DMARC.

## What each record does

| Record | Purpose | Where it lives |
|---|---|---|
| SPF | Lists the servers allowed to send for your domain | TXT on the root domain |
| DKIM | Signs every message with a key published in DNS | Two CNAMEs (Microsoft 365) |
| DMARC | Tells receivers what to do when SPF/DKIM fail, and sends you reports | TXT on ˋ_dmarcˋ |

## SPF

One SPF record per domain. Include every service that sends as you (Microsoft 365, your newsletter tool, the ERP, the scanner):

~~~text
example.com.  TXT  "v=spf1 include:spf.protection.outlook.com include:servers.mcsv.net ip4:203.0.113.25 -all"
~~~

- Keep it under **10 DNS lookups**; each ˋinclude:ˋ counts.
- Use ˋ-allˋ once you are sure the list is complete, ˋ~allˋ while testing.

## DKIM in Microsoft 365

1. In https://security.microsoft.com go to **Email & collaboration > Policies > Threat policies > Email authentication settings > DKIM**.
2. Select the domain and copy the two CNAME values.
3. Create them at your DNS provider:

~~~text
selector1._domainkey  CNAME  selector1-example-com._domainkey.example.onmicrosoft.com.
selector2._domainkey  CNAME  selector2-example-com._domainkey.example.onmicrosoft.com.
~~~

4. Back in the portal, switch **Sign messages for this domain with DKIM signatures** on.

Or with Exchange Online PowerShell:

~~~powershell
New-DkimSigningConfig -DomainName example.com -Enabled $true
Get-DkimSigningConfig -Identity example.com | Format-List Selector1CNAME, Selector2CNAME, Status
~~~

## DMARC

Start in monitoring mode and tighten it over a few weeks:

~~~text
_dmarc.example.com.  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@example.com; fo=1"
~~~

1. **Weeks 1–4**: ˋp=noneˋ, read the reports, fix any legitimate sender that fails.
2. **Weeks 5–8**: ˋp=quarantine; pct=25ˋ, then 100.
3. **Afterwards**: ˋp=rejectˋ.

## Checking your setup

~~~bash
dig +short TXT example.com
dig +short TXT _dmarc.example.com
dig +short CNAME selector1._domainkey.example.com
~~~

Send a message to a Gmail account and use **Show original**: SPF, DKIM and DMARC should all say *PASS*. We can review your records as part of your support contract: open a ticket with the domain names.
`),
	},
	{
		Slug:     "codigos-rebote-ndr-correo",
		Title:    "Mensajes que no llegan: códigos de rebote (NDR) más comunes",
		Category: "Correo y Outlook",
		Tags:     []string{"correo", "ndr", "exchange", "outlook"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Mensajes que no llegan: códigos de rebote (NDR) más comunes

Cuando un correo no se puede entregar, recibes un **informe de no entrega** (NDR) con un asunto como *"No se puede entregar"* o *"Undeliverable"*. El código que aparece en él indica casi siempre la causa.

## Cómo leer el informe

Busca una línea con este formato:

~~~text
Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'
~~~

- El primer dígito indica el tipo: **4** es temporal (se reintentará), **5** es definitivo.
- El código ˋ5.1.1ˋ es el que debes buscar en la tabla.

## Códigos frecuentes

| Código | Significado | Qué hacer |
|---|---|---|
| 5.1.1 | La dirección del destinatario no existe | Revisa la dirección; borra la sugerencia de autocompletar y escríbela de nuevo |
| 5.1.10 | Destinatario no encontrado en Microsoft 365 | El buzón se eliminó o la dirección tiene un error |
| 5.2.2 | Buzón del destinatario lleno | Avisa al destinatario por otro medio |
| 5.2.3 | Mensaje demasiado grande | Comparte el archivo con un enlace de OneDrive |
| 5.7.1 | Entrega no autorizada | El destinatario bloquea remitentes externos o tu dominio |
| 5.7.23 | Falla la comprobación SPF | Problema de DNS de tu dominio: abre un ticket |
| 5.7.708 | Tráfico no aceptado desde esta IP | Tu cuenta podría estar comprometida: cambia la contraseña y avísanos |
| 4.4.7 | Caducó el tiempo de entrega | El servidor de destino no responde; reintenta más tarde |

## Borrar una dirección incorrecta del autocompletar

Outlook recuerda las direcciones que escribes, incluidas las erróneas. Cuando aparezca la sugerencia, sitúate sobre ella y pulsa la **X** o la tecla **Supr**.

## Cuándo es urgente

Si recibes muchos rebotes de mensajes que **no has enviado**, o un NDR con ˋ5.7.708ˋ o ˋ550 5.7.520ˋ (cuenta bloqueada por envío de spam), tu cuenta puede estar comprometida:

1. Cambia la contraseña inmediatamente.
2. Abre un ticket marcado como **urgente** o llama al teléfono de soporte.
3. No borres los rebotes: los necesitamos para la investigación.
`),
	},
	{
		Slug:     "outlook-keeps-asking-for-password",
		Title:    "Outlook keeps asking for my password",
		Category: "Correo y Outlook",
		Tags:     []string{"outlook", "password", "microsoft-365", "authentication"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Outlook keeps asking for my password

A password prompt that reappears every few minutes, even when you type the right password, is one of the most common Outlook complaints. It is rarely your password: usually Windows has a stale cached credential or a broken sign-in token.

## Step 1: make sure the password is right

Sign in to https://outlook.office.com in a private browser window. If that fails too, your password has expired or your account is locked: see *How to reset your password (self-service)*.

## Step 2: clear saved credentials

1. Close Outlook, Teams and OneDrive.
2. Open **Control Panel > Credential Manager > Windows Credentials**.
3. Remove every entry that contains ˋMicrosoftOfficeˋ, ˋMicrosoftAccountˋ, ˋoutlook.office365.comˋ or ˋmsteamsˋ.
4. Open Outlook and sign in once when prompted.

From a command prompt you can list them first:

~~~cmd
cmdkey /list | findstr /i "MicrosoftOffice outlook"
~~~

## Step 3: check the work account connection

Go to **Settings > Accounts > Access work or school**. Your company account should appear as *Connected to <company> Azure AD*. If it shows an error, click **Disconnect**, restart and sign in again in Outlook.

## Step 4: sign out of Office

In any Office app, go to **File > Account > Sign out**, close all Office apps, and open Outlook again.

## Common causes at a glance

| Cause | Tip-off | Fix |
|---|---|---|
| Password changed on another device | Started after a password change | Clear credentials (step 2) |
| Clock out of sync | Prompts plus certificate warnings | Sync time in *Settings > Time & language* |
| Old profile using basic authentication | Small grey pop-up instead of the modern sign-in window | Create a new Outlook profile |
| Conditional Access blocks the device | Message "You can't get there from here" | Open a ticket: the device must be registered |

## Still asking?

Open a ticket and tell us your Outlook version (**File > Office Account > About Outlook**) and whether Teams also asks for the password. If both do, it is a Windows sign-in issue rather than an Outlook one.
`),
	},
	// ------------------------------------------------------------------ Copias de seguridad
	{
		Slug:     "restore-files-veeam-agent",
		Title:    "Restoring files and folders with Veeam Agent for Windows",
		Category: "Copias de seguridad",
		Tags:     []string{"backups", "veeam", "restore", "windows"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# Restoring files and folders with Veeam Agent for Windows

Laptops and workstations covered by our managed backup service run **Veeam Agent for Microsoft Windows**. It backs up your computer every day to the office NAS or to our cloud repository, so you can get a deleted or overwritten file back yourself.

## What is backed up

- Your user profile: *Desktop*, *Documents*, *Pictures* and *Downloads*.
- Any data folders your company asked us to include (for example ˋD:\Proyectosˋ).
- By default we keep **30 daily restore points**; some contracts keep more.

Files in OneDrive or SharePoint are protected separately: see *Recuperar una versión anterior de un archivo en OneDrive o SharePoint*.

## Restore a file

1. Click the Veeam icon in the notification area (near the clock) and choose **Restore > Individual files**. You can also right-click the icon.
2. Pick the **restore point** (date and time) from before the file was lost or damaged.
3. The *Veeam Backup Browser* opens. Navigate to the folder, e.g. ˋC:\Users\<you>\Documents\Budgetsˋ.
4. Right-click the file and choose:
   - **Restore > Keep** to restore it next to the current version with the prefix *RESTORED-*, or
   - **Restore > Overwrite** to replace the current version.
5. Close the Backup Browser when you are done; the restore point is unmounted automatically.

> Prefer **Keep**: it never destroys anything, and you can compare both copies.

## Restore a whole folder

Same steps, but right-click the folder instead. Large folders can take a while over VPN; if you are working remotely and need more than a few gigabytes, ask us to restore it to the office server instead.

## Check that your backups are running

Open the Veeam control panel. The last session should be **Success** and no older than a day.

| Status | Meaning | What to do |
|---|---|---|
| Success | Backup completed | Nothing |
| Warning | Completed, some files skipped (usually open files) | Nothing, unless it repeats for a week |
| Failed | Backup did not complete | Check you were on the office network or VPN; open a ticket if it fails twice |
| No backup for 7 days | The laptop has not reached the repository | Connect to the VPN overnight or bring it to the office |

## Can't find the file?

Open a ticket with the **full path**, the **file name** and the **last date you know it was correct**. Our team can search all restore points, including those kept on the off-site copy.
`),
	},
	{
		Slug:     "recuperar-version-anterior-onedrive-sharepoint",
		Title:    "Recuperar una versión anterior de un archivo en OneDrive o SharePoint",
		Category: "Copias de seguridad",
		Tags:     []string{"onedrive", "sharepoint", "versiones", "microsoft-365"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Recuperar una versión anterior de un archivo en OneDrive o SharePoint

OneDrive y SharePoint guardan automáticamente las **versiones anteriores** de cada documento. Si alguien ha sobrescrito una hoja de cálculo o has borrado un párrafo importante, puedes volver atrás en segundos, sin abrir un ticket.

## Desde el Explorador de archivos (Windows)

1. Abre la carpeta de OneDrive o de la biblioteca sincronizada.
2. Haz clic derecho sobre el archivo y elige **Mostrar más opciones > Historial de versiones**.
3. Aparece la lista de versiones con fecha, hora y autor.
4. Pulsa los tres puntos (**…**) junto a la versión que quieres y elige **Restaurar**, o **Abrir archivo** para consultarla antes.

## Desde el navegador

1. Entra en https://www.office.com y abre **OneDrive** o el sitio de SharePoint.
2. Selecciona el archivo y, en el menú **…**, elige **Historial de versiones**.
3. Restaura la versión deseada.

## Desde Word, Excel o PowerPoint

Con el documento abierto, haz clic en el **nombre del archivo** en la barra de título y elige **Historial de versiones**. Se abre un panel lateral donde puedes abrir cualquier versión y restaurarla.

## Archivos eliminados

Los archivos borrados van a la **Papelera de reciclaje** de OneDrive o del sitio de SharePoint:

| Lugar | Cuánto tiempo se conservan |
|---|---|
| Papelera del sitio o de OneDrive | 93 días en total |
| Papelera de segunda fase (solo administradores) | Lo que quede de esos 93 días |
| Copia de seguridad de Microsoft 365 (si está contratada) | Según el contrato, normalmente 1 año |

Pasados los 93 días, solo podemos recuperar el archivo si tu empresa tiene contratado el servicio de copia de seguridad de Microsoft 365.

## Restaurar toda la carpeta de OneDrive

Si un virus de cifrado o un error ha modificado **muchos archivos a la vez**, no los restaures uno a uno: usa **Configuración > Restaurar OneDrive**, elige la fecha y confirma. Se revierten todos los cambios posteriores a esa fecha.

Si sospechas de ransomware, antes de nada lee *Ransomware: primeros pasos si sospechas una infección* y avísanos por teléfono.
`),
	},
	{
		Slug:     "3-2-1-backup-rule-small-offices",
		Title:    "The 3-2-1 backup rule explained for small offices",
		Category: "Copias de seguridad",
		Tags:     []string{"backups", "3-2-1", "ransomware", "nas"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# The 3-2-1 backup rule explained for small offices

Most small businesses that lose data *had* a backup. It was just on the same disk, in the same room, or encrypted by the same ransomware. The **3-2-1 rule** is a simple way to avoid that.

## The rule

- **3** copies of your data: the original plus two backups.
- **2** different types of storage: for example the server disk and a NAS, or a NAS and the cloud.
- **1** copy off-site: in another building or in a cloud repository.

Many insurers now ask for **3-2-1-1-0**: one of the copies is *immutable* or offline (ransomware cannot delete it), and backups are tested with **0** errors.

## What it looks like in practice

| Copy | Example for a 15-person office | Protects against |
|---|---|---|
| Production | File server or SharePoint | — |
| Local backup | Veeam to a Synology NAS, every night | Deleted files, failed disks, quick restores |
| Off-site backup | Veeam Cloud Connect or Wasabi with object lock, every night | Fire, theft, ransomware |

## Common mistakes

1. **A USB disk that is always plugged in.** Ransomware encrypts it along with everything else.
2. **Only syncing.** OneDrive, Dropbox or a mirrored NAS copy deletions and encryption instantly. Sync is not backup.
3. **Never testing a restore.** A backup job that says *Success* can still be unusable.
4. **Forgetting Microsoft 365.** Microsoft keeps your mail and files available, but retention of deleted data is limited.
5. **Backups using the same admin password as the domain.** Attackers look for the backup console first.

## A minimal checklist

- [ ] Every server and shared folder is in a backup job.
- [ ] At least one copy is off-site and immutable.
- [ ] Backup admin accounts are separate and protected with MFA.
- [ ] Someone receives and reads the daily backup report.
- [ ] A test restore is done every quarter and documented.

## How we help

Our managed backup service covers all of the above and includes a quarterly restore test with a written report. If you are not sure your current setup meets the rule, open a ticket asking for a **backup review** at https://support.example.com; it is included in all support contracts.
`),
	},
	{
		Slug:     "runbook-restauracion-vm-veeam",
		Title:    "Runbook: restauración de una máquina virtual completa con Veeam",
		Category: "Copias de seguridad",
		Tags:     []string{"veeam", "runbook", "vmware", "hyper-v"},
		Locale:   "es",
		Audience: "internal",
		Body: md(`# Runbook: restauración de una máquina virtual completa con Veeam

**Uso interno del equipo de soporte.** Procedimiento para restaurar una VM completa de un cliente desde Veeam Backup & Replication (VBR). Aplicable a clientes con VMware vSphere o Hyper-V.

## Antes de tocar nada

- [ ] Hay un ticket abierto con prioridad **alta** o **urgente** y el responsable del cliente ha aprobado la restauración por escrito.
- [ ] Sabes **qué punto de restauración** quiere el cliente (fecha y hora) y por qué.
- [ ] Si la causa es un posible ransomware, **no restaures sobre la red de producción**: sigue primero el procedimiento de incidentes de seguridad y avisa al responsable de guardia.
- [ ] Has anotado en el ticket la hora de inicio.

## Opción A: Instant Recovery (recomendada si urge)

Arranca la VM directamente desde el repositorio en minutos; después se migra a producción en caliente.

1. En la consola VBR: **Home > Backups > Disk**, localiza el trabajo del cliente.
2. Clic derecho sobre la VM > **Instant Recovery > Restore to VMware vSphere** (o Hyper-V).
3. Elige el punto de restauración y **Restore to a new location** si la VM original sigue existiendo.
4. Desmarca **Connect VM to network** si hay sospecha de malware.
5. Cuando el cliente valide, ejecuta **Migrate to production**.

## Opción B: Entire VM restore

Más lenta, pero no depende del rendimiento del repositorio. Usarla fuera de horario o cuando la VM es grande.

~~~powershell
Add-PSSnapin VeeamPSSnapin -ErrorAction SilentlyContinue   # VBR 11; en 12 el módulo se carga solo
$backup = Get-VBRBackup -Name "CLIENTE - Servidores"
$rp = Get-VBRRestorePoint -Backup $backup -Name "SRV-FICHEROS" | Sort-Object CreationTime -Descending
$rp | Select-Object -First 10 CreationTime, Type
Start-VBRRestoreVM -RestorePoint $rp[1] -Reason "Ticket #12345" -PowerUp:$false
~~~

## Comprobaciones tras la restauración

| Comprobación | Cómo | OK si |
|---|---|---|
| Arranque | Consola de vSphere/Hyper-V | Llega a la pantalla de inicio de sesión |
| Relación de confianza con el dominio | ˋTest-ComputerSecureChannelˋ | Devuelve ˋTrueˋ |
| Servicios críticos | ˋGet-Service \| Where Status -ne Runningˋ | Ninguno crítico detenido |
| Datos | El cliente abre los archivos o la aplicación | Confirmación escrita en el ticket |

Si el canal seguro falla, repáralo con ˋTest-ComputerSecureChannel -Repair -Credential (Get-Credential)ˋ.

## Cierre

1. Registra en el ticket: punto restaurado, duración total y datos perdidos (RPO real).
2. Reactiva el trabajo de copia si lo deshabilitaste.
3. Si la restauración superó el RTO del contrato, avisa al responsable de cuenta.
`),
	},
	// ----------------------------------------------------------- Active Directory y cuentas
	{
		Slug:     "how-to-reset-your-password-self-service",
		Title:    "How to reset your password (self-service)",
		Category: "Active Directory y cuentas",
		Tags:     []string{"password", "sspr", "microsoft-365", "accounts"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# How to reset your password (self-service)

You can **reset your password** yourself, at any time, without calling the help desk. This works for your Microsoft 365 account and, in companies with password writeback, for your Windows (Active Directory) sign-in too.

## Before you need it: register your methods

Self-service reset only works if you have registered at least two verification methods. Do it now, while you still know your password:

1. Go to https://aka.ms/mysecurityinfo
2. Sign in with your work email.
3. Add **Microsoft Authenticator** and a **mobile phone number**. An alternative personal email is a good third option.

## Reset your password from a browser

1. Go to https://passwordreset.microsoftonline.com (or click **Forgot my password** on any Microsoft sign-in page).
2. Enter your work email and the characters shown in the picture.
3. Verify your identity with two of your registered methods, e.g. an Authenticator code and a text message.
4. Choose a new password. It must meet the company policy (see below).
5. Wait a couple of minutes, then sign in with the new password everywhere.

## Reset your password from the Windows sign-in screen

On company laptops enrolled in Intune, the lock screen shows a **Reset password** link under the password box. It takes you through the same steps. You need an internet connection: if you are at home, connect to Wi-Fi first from the network icon at the bottom right.

## Password requirements

- At least **12 characters**.
- Not one of your last 10 passwords.
- No company name, your name, or common words like *Password* or *Summer2025*.

A short sentence is easier to remember and harder to guess, for example ˋCoffee-at-7-is-too-early!ˋ.

## After changing your password

Update it on every device that uses it:

- [ ] Outlook and Teams on your phone (they will ask; just sign in again).
- [ ] The office Wi-Fi on your phone, if it uses your account (802.1X).
- [ ] The VPN client, if it saved your password.
- [ ] Any mapped drives with saved credentials.

Devices still trying the old password can **lock your account**. If that happens, see *Account locked out* or call us.

## It didn't work

If you see *"You can't reset your own password because you haven't registered"* or your account is locked, open a ticket from a colleague's account or call the help desk. For security, we will verify your identity before resetting it.
`),
	},
	{
		Slug:     "restablecer-contrasena-active-directory",
		Title:    "Restablecer la contraseña de Active Directory",
		Category: "Active Directory y cuentas",
		Tags:     []string{"active-directory", "contraseña", "cuentas", "windows"},
		Locale:   "es",
		Audience: "clients",
		Body: md(`# Restablecer la contraseña de Active Directory

Este artículo explica cómo cambiar tu contraseña de dominio (la que usas para iniciar sesión en Windows en la oficina) y qué hacer si la has olvidado o ha caducado.

## Si recuerdas tu contraseña actual

Desde un equipo conectado a la red de la oficina o a la VPN:

1. Pulsa **Ctrl + Alt + Supr**.
2. Elige **Cambiar una contraseña**.
3. Escribe la contraseña actual y dos veces la nueva.
4. Pulsa **Intro**.

> Si trabajas desde casa, **conecta la VPN antes** de cambiar la contraseña. Si no, Windows no podrá contactar con el controlador de dominio y el equipo seguirá aceptando la contraseña antigua hasta que vuelvas a la oficina.

## Si la has olvidado

- Si tu empresa tiene activado el autoservicio, sigue *How to reset your password (self-service)*.
- Si no, llama a soporte o pide a un compañero que abra un ticket en tu nombre. **Verificaremos tu identidad** (devolviendo la llamada al teléfono registrado o con tu responsable) antes de darte una contraseña temporal.

La contraseña temporal te obligará a cambiarla en el primer inicio de sesión.

## Requisitos de la contraseña

| Requisito | Valor habitual |
|---|---|
| Longitud mínima | 12 caracteres |
| Complejidad | 3 de 4: mayúsculas, minúsculas, números, símbolos |
| Historial | No se pueden repetir las 10 últimas |
| Caducidad | 180 días (algunas empresas no caducan) |
| Bloqueo | 10 intentos fallidos bloquean la cuenta 15 minutos |

## Para administradores del cliente

Con la consola *Usuarios y equipos de Active Directory* (ˋdsa.mscˋ): clic derecho sobre el usuario > **Restablecer contraseña**, marca *El usuario debe cambiar la contraseña en el siguiente inicio de sesión* y, si está bloqueada, *Desbloquear la cuenta del usuario*.

Con PowerShell:

~~~powershell
Import-Module ActiveDirectory
$nueva = Read-Host -AsSecureString "Contraseña temporal"
Set-ADAccountPassword -Identity mgarcia -Reset -NewPassword $nueva
Set-ADUser -Identity mgarcia -ChangePasswordAtLogon $true
Unlock-ADAccount -Identity mgarcia
~~~

## Después del cambio

Actualiza la contraseña en el móvil (correo, Teams, Wi-Fi corporativa) y en las unidades de red con credenciales guardadas. Un dispositivo que insiste con la contraseña antigua acabará **bloqueando la cuenta**.
`),
	},
	{
		Slug:     "account-lockout-find-the-source",
		Title:    "Account locked out repeatedly: finding the source",
		Category: "Active Directory y cuentas",
		Tags:     []string{"active-directory", "lockout", "powershell", "runbook"},
		Locale:   "en",
		Audience: "internal",
		Body: md(`# Account locked out repeatedly: finding the source

**Internal runbook for help desk agents.** Use it when a user's AD account locks again minutes after being unlocked. Unlocking over and over is not a fix: something is still trying the old password.

## 1. Confirm the lockout and the policy

~~~powershell
Get-ADUser jsmith -Properties LockedOut, BadLogonCount, LastBadPasswordAttempt, PasswordLastSet |
  Select-Object SamAccountName, LockedOut, BadLogonCount, LastBadPasswordAttempt, PasswordLastSet
Get-ADDefaultDomainPasswordPolicy | Select-Object LockoutThreshold, LockoutDuration
~~~

If *PasswordLastSet* is recent, the cause is almost certainly a device with the old password.

## 2. Find the PDC emulator and read event 4740

Lockouts are always recorded on the PDC emulator.

~~~powershell
$pdc = (Get-ADDomain).PDCEmulator
Get-WinEvent -ComputerName $pdc -FilterHashtable @{LogName='Security'; Id=4740; StartTime=(Get-Date).AddHours(-24)} |
  Where-Object { $_.Properties[0].Value -eq 'jsmith' } |
  Select-Object TimeCreated, @{n='Source';e={$_.Properties[1].Value}}
~~~

The *Source* column is the **caller computer name**.

## 3. Interpret the source

| Source | Usual culprit | Action |
|---|---|---|
| User's own laptop | Mapped drive or scheduled task with saved credentials | Clear Credential Manager; check ˋcmdkey /listˋ |
| Exchange / ADFS / empty | Phone mail app or ActiveSync | Ask the user to update or remove the mail account on the phone |
| RADIUS / NPS server | Wi-Fi 802.1X on the phone or a tablet | *Forget* the corporate Wi-Fi on every device |
| Terminal server | Disconnected RDP session still running | Log off the session: ˋquser /server:rds01ˋ then ˋlogoff <id> /server:rds01ˋ |
| Unknown external IP | Password spraying against a published service | **Escalate to security**, do not just unlock |

## 4. Unlock and verify

~~~powershell
Unlock-ADAccount -Identity jsmith
Start-Sleep -Seconds 300
(Get-ADUser jsmith -Properties LockedOut).LockedOut
~~~

## 5. Document

Add an **internal note** to the ticket with the source found and what was changed. If the source was external or a service you could not identify, follow *Escalation procedure: P1 incidents and on-call* and treat it as a security incident.

## Tools

For clients without PowerShell remoting, Microsoft's *Account Lockout and Management Tools* (ˋLockoutStatus.exeˋ) still works and shows the bad password count per domain controller.
`),
	},
	{
		Slug:     "forzar-actualizacion-directivas-gpupdate",
		Title:    "Forzar la actualización de directivas de grupo con gpupdate /force",
		Category: "Active Directory y cuentas",
		Tags:     []string{"gpo", "gpupdate", "active-directory", "windows"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Forzar la actualización de directivas de grupo con gpupdate /force

Las **directivas de grupo** (GPO) aplican la configuración de la empresa a tu equipo: unidades de red, impresoras, fondo de pantalla, certificados de Wi-Fi, reglas de seguridad… Windows las actualiza solo cada 90 minutos aproximadamente, pero a veces soporte te pedirá que las apliques **en el momento**.

## Cómo hacerlo

1. Asegúrate de estar en la oficina o conectado a la **VPN**.
2. Abre el menú Inicio, escribe ˋcmdˋ y abre **Símbolo del sistema** (no hace falta como administrador).
3. Ejecuta:

~~~cmd
gpupdate /force
~~~

4. Espera a que aparezcan los mensajes *"La actualización de la directiva de equipo se completó correctamente"* y *"La actualización de la directiva de usuario se completó correctamente"*.
5. Si te pregunta si quieres **cerrar sesión** o **reiniciar**, responde ˋSˋ: algunas directivas (como las unidades de red o la instalación de software) solo se aplican al iniciar sesión.

## Comprobar qué directivas se han aplicado

~~~cmd
gpresult /r
~~~

En la sección *Objetos de directiva de grupo aplicados* verás la lista de GPO. Para un informe completo en HTML:

~~~cmd
gpresult /h %USERPROFILE%\Desktop\gpo.html
~~~

Adjunta ese archivo al ticket si te lo pedimos.

## Errores habituales

| Mensaje | Causa probable | Solución |
|---|---|---|
| *No se pudo resolver el nombre de dominio* | Sin VPN o DNS incorrecto | Conecta la VPN y repite |
| *Error al procesar la directiva… acceso denegado* | Relación de confianza rota | Abre un ticket |
| La unidad de red no aparece tras el comando | Solo se asigna al iniciar sesión | Cierra sesión y vuelve a entrar |
| Tarda varios minutos | Conexión lenta o muchas GPO | Es normal por VPN; espera |

## Para técnicos: forzarlo en remoto

Desde un equipo con las herramientas RSAT:

~~~powershell
Invoke-GPUpdate -Computer PC-MAD-023 -Force -RandomDelayInMinutes 0
~~~

Requiere que el firewall del equipo permita la administración remota.
`),
	},
	{
		Slug:     "politica-contrasenas-requisitos-caducidad",
		Title:    "Política de contraseñas: requisitos, caducidad y buenas prácticas",
		Category: "Active Directory y cuentas",
		Tags:     []string{"contraseña", "seguridad", "politicas"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Política de contraseñas: requisitos, caducidad y buenas prácticas

Tu contraseña protege el correo, los archivos de la empresa y, en muchos casos, el acceso a clientes y proveedores. Esta es la política que aplicamos por defecto a las empresas que gestionamos. Tu empresa puede tener una política más estricta.

## Requisitos mínimos

- **12 caracteres** como mínimo (recomendamos 16 o más).
- Al menos tres de estos cuatro tipos: mayúsculas, minúsculas, números y símbolos.
- No puede contener tu nombre, tu usuario ni el nombre de la empresa.
- No puede ser ninguna de tus **10 últimas** contraseñas.
- Se comprueba contra una lista de contraseñas filtradas: ˋVerano2025!ˋ o ˋMadrid123*ˋ serán rechazadas.

## ¿Caduca mi contraseña?

Depende de si tu empresa usa **MFA** (doble factor) en todas las cuentas:

| Situación | Caducidad |
|---|---|
| MFA activado para todos los usuarios | No caduca (recomendación actual del NIST y de Microsoft) |
| Sin MFA o con excepciones | Cada 180 días |
| Cuentas de administrador | Cada 90 días y con MFA obligatorio |

Windows te avisará **14 días antes** de que caduque.

## Cómo crear una buena contraseña

Una frase larga es más segura y más fácil de recordar que una palabra con símbolos:

- Mal: ˋP@ssw0rd!ˋ (corta y predecible)
- Bien: ˋel-gato-de-Lucía-come-naranjas-3ˋ

## Buenas prácticas

1. **No reutilices** la contraseña del trabajo en ninguna web personal.
2. Usa un **gestor de contraseñas** para el resto de cuentas (consulta *Password manager: getting started with Bitwarden*).
3. Nunca compartas tu contraseña, tampoco con soporte: **nunca te la pediremos**.
4. Si crees que alguien la conoce, cámbiala enseguida y avísanos.
5. No la apuntes en un pósit pegado al monitor. Sí, seguimos encontrándolos.

## Si la olvidas

Consulta *Restablecer la contraseña de Active Directory* o usa el autoservicio en https://passwordreset.microsoftonline.com si tu empresa lo tiene activado.
`),
	},
	// ----------------------------------------------------------------------------- Wi-Fi y red
	{
		Slug:     "configuracion-wifi-corporativa-8021x-peap",
		Title:    "Configuración de la Wi-Fi corporativa 802.1X (PEAP) en Windows, macOS y móviles",
		Category: "Wi-Fi y red",
		Tags:     []string{"wifi", "802.1x", "peap", "radius"},
		Locale:   "es",
		Audience: "clients",
		Body: md(`# Configuración de la Wi-Fi corporativa 802.1X (PEAP) en Windows, macOS y móviles

La red Wi-Fi corporativa (normalmente llamada como tu empresa, por ejemplo *ACME-Corp*) no usa una contraseña compartida: cada persona se conecta con **su propio usuario y contraseña** mediante el estándar **802.1X**. Así, cuando alguien deja la empresa, basta con desactivar su cuenta.

## Equipos de la empresa

Los portátiles unidos al dominio o gestionados con Intune reciben el perfil automáticamente. Si no aparece:

1. Conéctate por cable o a la red de invitados.
2. Fuerza la actualización de directivas con ˋgpupdate /forceˋ (ver *Forzar la actualización de directivas de grupo*).
3. Reinicia el equipo.

## Windows (equipo personal o perfil manual)

1. Haz clic en el icono de red y selecciona la red corporativa.
2. Introduce tu usuario con el formato ˋusuario@empresa.exampleˋ y tu contraseña.
3. Cuando aparezca *"¿Continuar conectándote?"* comprueba que el certificado lo emite ˋradius.empresa.exampleˋ y pulsa **Conectar**.

## macOS

1. Selecciona la red en el menú Wi-Fi.
2. Escribe usuario y contraseña.
3. Aparecerá el certificado del servidor: pulsa **Mostrar certificado**, comprueba el nombre y pulsa **Continuar**. macOS te pedirá tu contraseña de Mac para guardarlo como de confianza.

## iPhone y Android

| Campo (Android) | Valor |
|---|---|
| Método EAP | PEAP |
| Autenticación de fase 2 | MSCHAPV2 |
| Certificado de CA | *Usar certificados del sistema* |
| Dominio | empresa.example |
| Identidad | tu usuario@empresa.example |
| Identidad anónima | (vacío) |

En iPhone solo hay que escribir usuario y contraseña y pulsar **Confiar** en el certificado.

## Problemas frecuentes

- **No conecta tras cambiar la contraseña**: olvida la red en el dispositivo y vuelve a conectarte. Un móvil con la contraseña antigua puede **bloquear tu cuenta**.
- **Aviso de certificado no confiable en un sitio que no es la oficina**: no te conectes y avísanos; podría ser una red falsa que imita la de la empresa.
- **Conecta pero sin acceso a Internet**: anota la hora y la planta y abre un ticket.

Para diagnósticos en Windows, este comando muestra el estado de la autenticación:

~~~cmd
netsh wlan show interfaces
~~~
`),
	},
	{
		Slug:     "guest-wifi-visitor-access",
		Title:    "Guest Wi-Fi: how visitors get access",
		Category: "Wi-Fi y red",
		Tags:     []string{"wifi", "guest", "network", "visitors"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Guest Wi-Fi: how visitors get access

Visitors, contractors and personal devices must **never** use the corporate Wi-Fi. Every office we manage has a separate **guest network** that only gives access to the internet, isolated from your servers, printers and colleagues' laptops.

## How it works

| | Corporate Wi-Fi | Guest Wi-Fi |
|---|---|---|
| Who | Employees with company devices | Visitors, personal phones, contractors |
| Sign-in | Personal account (802.1X) | Voucher code or daily password |
| Access | Internal servers, printers, internet | Internet only |
| Speed limit | None | 20 Mbps per device |
| Devices can see each other | Yes | No (client isolation) |

## Giving a visitor access

Depending on your office, one of these applies:

1. **Daily password**: reception has a screen or printout with today's password. It changes every night automatically.
2. **Vouchers**: reception generates a code from the guest portal. Each voucher is valid for one device for 8 hours, or for the number of days selected.
3. **Sponsor approval**: the visitor enters their email on the captive portal and *you* receive an approval request by email.

## Generating a voucher (reception staff)

1. Open the guest portal at https://guest.office.example (bookmark it) and sign in with your work account.
2. Click **Create vouchers**, choose the validity (1 day by default) and quantity.
3. Print them or read the code to the visitor.

## What visitors should know

- [ ] Connect to the network named *Guest* or *Company-Guest*.
- [ ] Open any website; the sign-in page opens automatically. If it doesn't, go to http://neverssl.com.
- [ ] Enter the code and accept the terms of use.

## Frequently asked questions

**Can I use the guest Wi-Fi with my work laptop?** Yes, but you will need the VPN to reach internal resources, as if you were at home.

**Can a contractor print?** Not from the guest network. Ask us for a temporary print solution, or have them email the document to a colleague.

**The guest network is slow.** It is deliberately limited so that it never affects business traffic. For large downloads, ask a colleague to help or request a wired port.

If the captive portal doesn't appear or vouchers are rejected, open a ticket with the office name and the exact time.
`),
	},
	{
		Slug:     "wifi-lenta-se-corta-diagnostico",
		Title:    "Wi-Fi lenta o que se corta: diagnóstico rápido",
		Category: "Wi-Fi y red",
		Tags:     []string{"wifi", "rendimiento", "windows", "diagnostico"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Wi-Fi lenta o que se corta: diagnóstico rápido

Las videollamadas se congelan, los archivos de red tardan en abrir o la conexión se cae cada pocos minutos. Antes de abrir un ticket, estos pasos nos ayudan a saber si el problema es del equipo, del punto de acceso o de la línea de Internet.

## 1. Descarta la línea de Internet

Conecta otro dispositivo (tu móvil) a la **misma** red y abre https://fast.com. Si también va lento, el problema es general: avísanos indicando la oficina.

## 2. Mira la intensidad de la señal

En Windows, abre el **Símbolo del sistema** y ejecuta:

~~~cmd
netsh wlan show interfaces
~~~

Fíjate en estas líneas:

| Campo | Valor bueno | Valor problemático |
|---|---|---|
| Señal | 70 % o más | Menos del 50 % |
| Tipo de radio | 802.11ax o 802.11ac | 802.11n o 802.11g |
| Banda | 5 GHz o 6 GHz | 2,4 GHz (más congestionada) |
| Velocidad de recepción | Más de 200 Mbps | Menos de 50 Mbps |

Si la señal es baja, acércate al punto de acceso o usa un cable de red. Las paredes de carga, los ascensores y los archivadores metálicos reducen mucho la cobertura.

## 3. Genera un informe de la Wi-Fi

Windows guarda un historial detallado de conexiones y desconexiones:

~~~cmd
netsh wlan show wlanreport
~~~

El informe se guarda en ˋC:\ProgramData\Microsoft\Windows\WlanReport\wlan-report-latest.htmlˋ. Adjúntalo al ticket: muestra exactamente cuándo y por qué se cortó.

## 4. Comprobaciones en el equipo

- [ ] El portátil no está en modo **ahorro de batería** (reduce la potencia de la tarjeta Wi-Fi).
- [ ] El controlador de la tarjeta de red está actualizado (Lenovo Vantage, Dell Command Update o HP Support Assistant).
- [ ] No hay una VPN personal o un antivirus de terceros filtrando el tráfico.
- [ ] Has reiniciado el equipo en los últimos días.

## 5. Olvida la red y vuelve a conectarte

**Configuración > Red e Internet > Wi-Fi > Administrar redes conocidas**, selecciona la red y pulsa **Olvidar**. Vuelve a conectarte.

## Qué incluir en el ticket

- Oficina, planta y zona (por ejemplo *Valencia, planta 2, sala de reuniones grande*).
- Hora aproximada de los cortes.
- Resultado de ˋnetsh wlan show interfacesˋ y el informe HTML.

Con esos datos podemos revisar el punto de acceso desde la consola de gestión sin desplazarnos.
`),
	},
	{
		Slug:     "no-ip-address-169-254-troubleshooting",
		Title:    "No network: troubleshooting a 169.254.x.x address",
		Category: "Wi-Fi y red",
		Tags:     []string{"network", "dhcp", "ethernet", "windows"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# No network: troubleshooting a 169.254.x.x address

If your computer shows *No internet* or *Unidentified network* and its IP address starts with **169.254**, it could not get an address from the network's DHCP server and assigned one to itself (APIPA). It can't talk to anything with that address.

## Check your address

~~~cmd
ipconfig
~~~

Look at the adapter you are using (*Ethernet* or *Wi-Fi*):

| IPv4 address | What it means |
|---|---|
| 192.168.x.x, 10.x.x.x or 172.16–31.x.x | Normal, the problem is elsewhere |
| 169.254.x.x | No reply from DHCP |
| No IPv4 line at all | Adapter disabled or cable unplugged |

## Step by step

1. **Cable**: unplug and firmly reconnect both ends. Try another wall port or another cable. The port's link light should be on.
2. **Dock**: if you connect through a docking station, plug the cable directly into the laptop (or a USB adapter) to rule out the dock.
3. **Renew the address**:

~~~cmd
ipconfig /release
ipconfig /renew
~~~

4. **Reset the network stack** (Command Prompt as administrator, then restart):

~~~cmd
netsh winsock reset
netsh int ip reset
~~~

5. **Check whether it is just you**: if colleagues near you are also affected, the switch or the DHCP server is down. Tell us straight away and mark the ticket **urgent**.

## On macOS

~~~bash
ifconfig en0 | grep inet
sudo ipconfig set en0 DHCP
~~~

Or go to **System Settings > Network > Wi-Fi/Ethernet > Details > TCP/IP > Renew DHCP Lease**.

## Why does it happen?

- The DHCP scope is full: too many devices (often phones on the wrong network) have taken all the addresses.
- The switch port is in the wrong VLAN or has port security enabled after a device change.
- The DHCP service on the server or firewall has stopped.
- A faulty cable or wall socket.

All of these need us to look at the network equipment. Open a ticket with your office, desk number or wall port label, and the output of ˋipconfig /allˋ.
`),
	},
	// ------------------------------------------------------------------- Portátiles y equipos
	{
		Slug:     "clave-recuperacion-bitlocker-donde-encontrarla",
		Title:    "Clave de recuperación de BitLocker: dónde encontrarla",
		Category: "Portátiles y equipos",
		Tags:     []string{"bitlocker", "cifrado", "portatil", "windows"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Clave de recuperación de BitLocker: dónde encontrarla

Los portátiles de empresa tienen el disco cifrado con **BitLocker**: si alguien roba el equipo, no puede leer los datos. A veces, al encender, aparece una pantalla azul que pide la **clave de recuperación de BitLocker** (48 dígitos). No es un virus ni una avería: es una medida de seguridad.

## ¿Por qué la pide?

- Se ha actualizado la BIOS o el firmware del equipo.
- Se ha cambiado la configuración de arranque o el orden de inicio.
- Se ha conectado el portátil a una **base de conexión** o un dispositivo USB distinto al arrancar.
- Se han producido varios intentos fallidos de PIN.
- Se ha cambiado una pieza (placa base, disco).

## Dónde está tu clave

En la pantalla de recuperación aparece un **identificador de clave** (los primeros 8 caracteres bastan). Con él, la clave está en:

1. **Tu cuenta de Microsoft 365**: desde otro dispositivo entra en https://myaccount.microsoft.com/device-list, busca el equipo y pulsa **Ver claves de BitLocker**.
2. **Soporte**: si no puedes acceder, llámanos. Tendremos que verificar tu identidad antes de dictártela.
3. En equipos antiguos unidos al dominio, la clave está guardada en Active Directory (solo accesible para soporte).

Nunca guardes la clave en un archivo dentro del propio portátil: no podrías abrirlo.

## Introducir la clave

1. Escribe los 48 dígitos; se agrupan solos en bloques de 6.
2. Pulsa **Intro**. Windows arrancará con normalidad.
3. Si la pantalla vuelve a aparecer en el siguiente reinicio, abre un ticket: habrá que suspender y reanudar la protección.

## Para técnicos

Comprobar el estado y ver el identificador de la clave:

~~~powershell
manage-bde -status C:
Get-BitLockerVolume -MountPoint C: | Select-Object -ExpandProperty KeyProtector
~~~

Antes de actualizar la BIOS, suspende BitLocker durante un reinicio para evitar que pida la clave:

~~~powershell
Suspend-BitLocker -MountPoint "C:" -RebootCount 1
~~~

Para guardar de nuevo la clave en Entra ID si no aparece en el portal:

~~~powershell
$kp = (Get-BitLockerVolume -MountPoint C:).KeyProtector | Where-Object KeyProtectorType -eq 'RecoveryPassword'
BackupToAAD-BitLockerKeyProtector -MountPoint C: -KeyProtectorId $kp.KeyProtectorId
~~~

## Si pierdes la clave

Sin la clave de recuperación **no hay forma de acceder a los datos** del disco. Por eso las guardamos siempre de forma centralizada. Si tu equipo no aparece en el portal, avísanos para revisarlo antes de que lo necesites.
`),
	},
	{
		Slug:     "docking-station-not-detecting-monitors",
		Title:    "Docking station not detecting external monitors",
		Category: "Portátiles y equipos",
		Tags:     []string{"docking-station", "monitors", "usb-c", "thunderbolt"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Docking station not detecting external monitors

You plug your laptop into the dock and one or both monitors stay black, show *No signal*, or flicker. Keyboard and network through the dock may work or not. Work through these steps in order.

## 1. The basics

- [ ] The dock has its **own power supply** connected and its light is on. Laptop chargers alone cannot power a dock with two screens.
- [ ] The monitors are on and set to the right input (*DisplayPort*, *HDMI 1*, …). Use the monitor's menu button.
- [ ] The cable from the laptop goes into the correct port: a **Thunderbolt** port (lightning symbol) or a USB-C port with the DisplayPort logo. Not every USB-C port carries video.

## 2. Reconnect in the right order

1. Unplug the laptop from the dock.
2. Unplug the dock's power for 30 seconds (this resets its firmware).
3. Reconnect power to the dock, wait 10 seconds.
4. Connect the laptop.

## 3. Tell Windows to detect the displays

Press **Win + P** and choose **Extend**. Then open **Settings > System > Display** and click **Detect**. If the monitors appear but in the wrong order, drag them to match how they sit on your desk.

## 4. Update drivers and dock firmware

Most dock problems disappear after an update:

| Laptop | Tool |
|---|---|
| Lenovo | Lenovo Vantage or *Lenovo Dock Manager* |
| Dell | Dell Command Update (also updates the WD19/WD22 firmware) |
| HP | HP Support Assistant or *HP Firmware Installer for Docks* |
| Any | Intel/AMD graphics driver from Windows Update |

You can check which graphics driver you have from PowerShell:

~~~powershell
Get-CimInstance Win32_VideoController | Select-Object Name, DriverVersion, DriverDate
~~~

## 5. Limits you may be hitting

- Many laptops support only **two external screens** through one USB-C cable, or one 4K screen at 60 Hz.
- On MacBooks with M1/M2 base chips, only **one** external display works through a standard dock. DisplayLink docks are the workaround.
- Daisy-chained monitors (DisplayPort MST) do not work on macOS.

## Still not working?

Open a ticket with the laptop model, the dock model (on the label underneath, e.g. *Dell WD19S* or *ThinkPad Universal USB-C Dock 40AY*) and a photo of how the cables are connected. Test the monitor by connecting it directly to the laptop, so we know whether to replace the dock, the cable or the screen.
`),
	},
	{
		Slug:     "bateria-portatil-cuidados-powercfg",
		Title:    "Batería del portátil: cuidados y diagnóstico con powercfg",
		Category: "Portátiles y equipos",
		Tags:     []string{"bateria", "portatil", "powercfg", "windows"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Batería del portátil: cuidados y diagnóstico con powercfg

Una batería de portátil pierde capacidad con el uso: es normal que tras dos o tres años dure bastante menos que el primer día. Este artículo explica cómo saber si tu batería está degradada y cómo alargar su vida.

## Generar un informe de batería

Windows incluye un informe muy completo. Abre el **Símbolo del sistema** y ejecuta:

~~~cmd
powercfg /batteryreport /output "%USERPROFILE%\Desktop\bateria.html"
~~~

Abre el archivo ˋbateria.htmlˋ del escritorio y busca la sección *Installed batteries*:

| Dato | Qué significa |
|---|---|
| DESIGN CAPACITY | Capacidad original de fábrica |
| FULL CHARGE CAPACITY | Capacidad real actual |
| CYCLE COUNT | Ciclos de carga completos |

Divide la capacidad actual entre la de diseño. Por debajo del **60 %** conviene sustituir la batería; si el portátil está en garantía, abre un ticket y gestionamos el cambio.

## Qué consume batería

Para ver qué mantiene el equipo despierto o consume energía:

~~~cmd
powercfg /energy /output "%USERPROFILE%\Desktop\energia.html"
powercfg /requests
~~~

Las causas más habituales son Teams en segundo plano, pestañas del navegador con vídeo, el brillo al máximo y la sincronización de OneDrive de carpetas grandes.

## Cómo alargar la vida de la batería

1. Si el portátil pasa casi todo el día enchufado a la base, activa el **límite de carga al 80 %**:
   - Lenovo: *Lenovo Vantage > Alimentación > Umbral de carga*.
   - Dell: *Dell Power Manager > Configuración de batería > Uso principalmente con CA*.
   - HP: BIOS > *Battery Health Manager*.
2. Evita el calor: no dejes el portátil en el coche ni sobre la cama o el sofá mientras carga.
3. No hace falta descargarla del todo. Las baterías de litio prefieren cargas parciales.
4. Usa el cargador original o uno USB-C con la potencia adecuada (65 W o más en la mayoría de modelos).

## Señales de alarma

Deja de usar el portátil y abre un ticket **urgente** si notas:

- La carcasa o el teclado **abombados**, o el touchpad que no hace clic bien.
- Olor extraño o calor excesivo mientras carga.
- Se apaga de golpe con un 30–40 % de carga.

Una batería hinchada puede ser peligrosa: no la perfores ni intentes sacarla tú.
`),
	},
	{
		Slug:     "replacement-laptop-request-backup-first",
		Title:    "Getting a replacement laptop: what to back up first",
		Category: "Portátiles y equipos",
		Tags:     []string{"laptop", "replacement", "onedrive", "autopilot"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# Getting a replacement laptop: what to back up first

Whether your laptop is being replaced because of a fault or as part of the normal renewal cycle, most of your work moves across automatically. A few things don't. This checklist makes sure nothing is left behind.

## How the new laptop is prepared

New laptops are registered with **Windows Autopilot**. When you turn it on and sign in with your work account, it installs the company apps, settings, Wi-Fi and VPN profiles on its own. It takes 30 to 60 minutes; keep it plugged in and connected to the internet.

## What moves automatically

- Email, calendar and contacts (they live in Microsoft 365).
- Files in **OneDrive**, including *Desktop*, *Documents* and *Pictures* if Known Folder Move is enabled (a green tick on those folders means it is).
- Teams chats and files, SharePoint libraries.
- Browser bookmarks and passwords in Edge or Chrome, **if** you are signed in to the browser with your work account.

## What you must check before handing in the old laptop

- [ ] Files saved **outside** OneDrive: ˋC:\Dataˋ, ˋC:\Projectsˋ, the *Downloads* folder, or files on a second drive.
- [ ] Outlook **PST files** (archives). Find them under *File > Account Settings > Data Files*.
- [ ] Email signatures, if they are not centrally managed.
- [ ] Licence keys or configuration for specialist software (AutoCAD, accounting, design fonts).
- [ ] Sticky Notes, if you are not signed in to them.
- [ ] Browser profile, if you use a personal one.
- [ ] Any files in the Recycle Bin you might still need.

To find large folders that are not in OneDrive, you can run this in PowerShell:

~~~powershell
Get-ChildItem C:\ -Directory -ErrorAction SilentlyContinue |
  Where-Object Name -notin 'Windows','Program Files','Program Files (x86)','ProgramData','Users' |
  Select-Object FullName
~~~

## Handover day

1. Sign in to the new laptop and let Autopilot finish.
2. Open OneDrive and wait until it says **Your files are synced**.
3. Check the items on the list above.
4. Hand in the old laptop to your office contact or courier. We keep its disk **untouched for 30 days** in case something was missed.
5. After 30 days, the old disk is securely wiped (NIST 800-88) and you receive a certificate on request.

## Requesting a replacement

Open a ticket at https://support.example.com with the reason (fault, age, performance) and your manager's approval if your company requires it. For faulty devices under warranty, we handle the manufacturer claim.
`),
	},
	// ------------------------------------------------------------------ Licencias y software
	{
		Slug:     "assign-microsoft-365-licence-admin-center",
		Title:    "Assigning a Microsoft 365 licence in the admin center",
		Category: "Licencias y software",
		Tags:     []string{"microsoft-365", "licences", "admin-center", "powershell"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# Assigning a Microsoft 365 licence in the admin center

This guide is for **client administrators** who manage their own users. If you prefer, open a ticket and we will do it for you, usually within the same working day.

## Check that you have a free licence

1. Sign in to https://admin.microsoft.com.
2. Go to **Billing > Licenses**.
3. Look at the *Available* column. If it is 0, you need to buy another licence first (**Billing > Purchase services**) or ask us: licences bought through our CSP agreement appear in the same list.

## Assign a licence to one user

1. Go to **Users > Active users** and click the user's name.
2. Open the **Licenses and apps** tab.
3. Set **Select location** (usage location) to the user's country, e.g. *Spain* or *United Kingdom*. A licence cannot be assigned without it.
4. Tick the licence, e.g. *Microsoft 365 Business Standard*.
5. Click **Save changes**.

The mailbox is created within a few minutes; Teams and OneDrive can take up to 24 hours the first time.

## Assign licences with group-based licensing

For companies with many users we recommend licensing by group: add the person to a group such as *LIC-M365-BusinessPremium* and the licence follows. When someone leaves the group, the licence is freed.

In the Entra admin center: **Groups > (group) > Licenses > Assignments**.

## Assign with PowerShell (Microsoft Graph)

~~~powershell
Connect-MgGraph -Scopes User.ReadWrite.All, Organization.Read.All
Get-MgSubscribedSku | Select-Object SkuPartNumber, ConsumedUnits, @{n='Total';e={$_.PrepaidUnits.Enabled}}
$sku = Get-MgSubscribedSku -All | Where-Object SkuPartNumber -eq 'O365_BUSINESS_PREMIUM'
Update-MgUser -UserId ana.lopez@contoso.example -UsageLocation ES
Set-MgUserLicense -UserId ana.lopez@contoso.example -AddLicenses @{SkuId = $sku.SkuId} -RemoveLicenses @()
~~~

## Common errors

| Error | Cause | Fix |
|---|---|---|
| *License assignment failed because service plans are mutually exclusive* | Two licences include the same service (e.g. two Exchange plans) | Remove one of the overlapping plans |
| *Usage location is required* | Location not set | Set it in the user's profile |
| *Not enough licenses* | All licences in use | Free one from a leaver or buy another |

## Removing a licence

Removing a licence from a leaver **deletes the mailbox after 30 days**. Before you remove it, follow the *Employee offboarding checklist* to convert the mailbox to a shared one or export it.
`),
	},
	{
		Slug:     "adobe-acrobat-creative-cloud-activar-liberar-licencias",
		Title:    "Adobe Acrobat y Creative Cloud: activar y liberar licencias",
		Category: "Licencias y software",
		Tags:     []string{"adobe", "acrobat", "licencias", "creative-cloud"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Adobe Acrobat y Creative Cloud: activar y liberar licencias

Las licencias de Adobe que gestionamos para las empresas son **licencias nominativas**: se asignan a tu correo corporativo, no al equipo. Puedes usarlas en **dos equipos a la vez** como máximo.

## Activar Acrobat Pro o Creative Cloud

1. Instala la aplicación desde el **Portal de empresa** o desde https://creativecloud.adobe.com/apps.
2. Abre Acrobat (o la aplicación Creative Cloud) y pulsa **Iniciar sesión**.
3. Escribe tu **correo de empresa**. Si aparece la pregunta *"¿Cuenta de empresa o cuenta personal?"*, elige **Cuenta de empresa o centro educativo**.
4. Se abrirá la página de inicio de sesión de Microsoft: usa tu contraseña habitual y el MFA.

Si Acrobat se abre como *Acrobat Reader* o muestra *"Prueba gratuita"*, es que has iniciado sesión con otra cuenta. Cierra sesión (**Ayuda > Cerrar sesión**) y vuelve a entrar con la de empresa.

## "Has alcanzado el límite de activaciones"

Aparece cuando ya tienes la licencia activa en dos equipos (por ejemplo, el portátil antiguo y el nuevo).

1. En el mensaje, pulsa **Cerrar sesión en otros equipos**.
2. O entra en https://account.adobe.com, sección **Planes**, y revisa los dispositivos.

## Liberar la licencia de una persona que deja la empresa

Solo lo pueden hacer los administradores de la consola de Adobe (normalmente nosotros):

| Paso | Dónde |
|---|---|
| Transferir sus archivos de la nube | Admin Console > Usuarios > *Transferir activos* |
| Quitar el producto al usuario | Admin Console > Productos > (producto) > Usuarios |
| Reasignar a la persona nueva | Admin Console > Productos > *Añadir usuario* |

Abre un ticket indicando quién deja la licencia y quién la recibe.

## Tipos de licencia más habituales

- **Acrobat Standard**: crear y editar PDF, firmar. Suficiente para la mayoría.
- **Acrobat Pro**: añade comparar documentos, OCR avanzado, redactar (tachar) información y formularios avanzados.
- **Creative Cloud Todas las aplicaciones**: Photoshop, Illustrator, InDesign, Premiere… para diseño y marketing.

## Problemas con la instalación

Si la instalación falla, la herramienta oficial de limpieza suele resolverlo:

~~~text
Adobe Creative Cloud Cleaner Tool
https://helpx.adobe.com/creative-cloud/kb/cc-cleaner-tool-installation-problems.html
~~~

Ejecútala, elige *Eliminar todo* y vuelve a instalar desde el Portal de empresa.
`),
	},
	{
		Slug:     "microsoft-365-business-plans-compared",
		Title:    "Microsoft 365 Business Basic, Standard and Premium compared",
		Category: "Licencias y software",
		Tags:     []string{"microsoft-365", "licences", "intune", "defender"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Microsoft 365 Business Basic, Standard and Premium compared

Clients often ask which Microsoft 365 plan they need. All three *Business* plans are for companies with up to **300 users**; larger organisations need Enterprise (E3/E5) plans. You can mix plans in the same company: not everyone needs the most expensive one.

## At a glance

| Feature | Business Basic | Business Standard | Business Premium |
|---|---|---|---|
| Exchange mailbox (50 GB) | ✔ | ✔ | ✔ |
| Teams, SharePoint, OneDrive (1 TB) | ✔ | ✔ | ✔ |
| Office apps on the web and mobile | ✔ | ✔ | ✔ |
| **Desktop** Word, Excel, Outlook, PowerPoint | ✘ | ✔ | ✔ |
| Webinars and attendee registration | ✘ | ✔ | ✔ |
| Intune device management | ✘ | ✘ | ✔ |
| Conditional Access (Entra ID P1) | ✘ | ✘ | ✔ |
| Defender for Business (EDR) | ✘ | ✘ | ✔ |
| Information protection and DLP | ✘ | ✘ | ✔ |
| Exchange Online Archiving | ✘ | ✘ | ✔ |

## Which one do we recommend?

- **Business Premium** for anyone with a company laptop. It is the only plan that lets us manage and secure the device, enforce MFA with Conditional Access and remotely wipe a lost laptop. Cyber-insurance questionnaires increasingly expect these controls.
- **Business Standard** for users with a personal or unmanaged device who need desktop Office, where the device risk is handled elsewhere.
- **Business Basic** for frontline staff or shared workstations that only need email and Teams in the browser.

*Microsoft 365 Apps for business* (desktop Office only, no mailbox) fits people whose mail is hosted elsewhere.

## Add-ons worth knowing

- **Teams Phone** with a calling plan, to replace the office switchboard.
- **Exchange Online Plan 1** for shared mailboxes over 50 GB.
- **Copilot for Microsoft 365**, available as an add-on for all three plans.

## Changing plans

Upgrades (for example Standard to Premium) are seamless: no data is moved, and users just get the new features. Downgrades need planning, because removing Intune or Defender changes the security of the devices. Annual commitments can only be reduced at renewal.

To change plans or get a quote, open a ticket or email your account manager. We review licence usage with every client once a year to remove unused licences.
`),
	},
	{
		Slug:     "instalar-software-portal-de-empresa-intune",
		Title:    "Instalar aplicaciones aprobadas desde el Portal de empresa (Intune)",
		Category: "Licencias y software",
		Tags:     []string{"intune", "portal-de-empresa", "software", "windows"},
		Locale:   "es",
		Audience: "clients",
		Body: md(`# Instalar aplicaciones aprobadas desde el Portal de empresa (Intune)

En los equipos gestionados con **Microsoft Intune** no necesitas permisos de administrador para instalar las aplicaciones habituales: están disponibles en el **Portal de empresa**, una especie de tienda de aplicaciones aprobadas por tu empresa.

## Abrir el Portal de empresa

1. Pulsa el botón Inicio y escribe *Portal de empresa*.
2. Si no está instalado, puedes acceder desde el navegador en https://portal.manage.microsoft.com.
3. Inicia sesión con tu cuenta de trabajo si te lo pide.

## Instalar una aplicación

1. Entra en **Aplicaciones** y busca la que necesitas (por ejemplo *7-Zip*, *FortiClient*, *AutoCAD LT* o *Adobe Acrobat*).
2. Pulsa **Instalar**.
3. El estado cambiará a *Descargando* y luego a *Instalado*. Puede tardar unos minutos; no hace falta que dejes la ventana abierta.

## La aplicación que necesito no aparece

Abre un ticket indicando:

- Nombre y versión de la aplicación.
- Para qué la necesitas.
- Si requiere licencia (y quién la paga).

Revisaremos que sea segura y compatible, y la publicaremos en el portal para ti o para tu departamento. Las aplicaciones gratuitas comunes suelen estar disponibles en uno o dos días laborables.

## Estados y errores habituales

| Estado | Qué significa | Qué hacer |
|---|---|---|
| *Instalación pendiente* | Esperando a que el equipo sincronice | Espera 10 minutos o sincroniza (ver abajo) |
| *Error 0x87D1041C* | La aplicación se instaló pero no se detecta | Abre un ticket con el código |
| *Error 0x80070643* | Falló el instalador (a menudo por una versión anterior) | Desinstala la versión antigua y reintenta |
| *No disponible* | No tienes asignada la aplicación | Pídela por ticket |

## Forzar la sincronización del equipo

En el Portal de empresa: **Configuración > Sincronizar**. O desde **Configuración de Windows > Cuentas > Obtener acceso a trabajo o escuela**, selecciona tu cuenta, pulsa **Información** y después **Sincronizar**.

Para técnicos, este comando reinicia el agente de Intune que instala aplicaciones Win32:

~~~powershell
Restart-Service -Name IntuneManagementExtension
~~~

## ¿Por qué no puedo instalar programas descargados de Internet?

Por seguridad, los usuarios no son administradores de sus equipos. Así se evita que un adjunto malicioso instale software sin que te des cuenta. Si un programa es necesario para tu trabajo, lo añadiremos al portal.
`),
	},
	// ------------------------------------------------------------------------------ Seguridad
	{
		Slug:     "como-reportar-correo-phishing",
		Title:    "Cómo reportar un correo de phishing",
		Category: "Seguridad",
		Tags:     []string{"phishing", "seguridad", "outlook", "correo"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Cómo reportar un correo de phishing

El **phishing** es un correo que se hace pasar por alguien de confianza (un banco, Microsoft, un proveedor o incluso tu jefe) para que hagas clic en un enlace, abras un adjunto o hagas una transferencia. Es la forma más común de ataque a empresas pequeñas y medianas.

## Señales de alarma

- **Urgencia**: *"Tu cuenta se bloqueará en 24 horas"*, *"Pago pendiente hoy"*.
- El remitente no coincide con el nombre: *Microsoft 365 <notificaciones@m1crosoft-secure.co>*.
- Enlaces que, al pasar el ratón por encima **sin hacer clic**, muestran una dirección extraña.
- Adjuntos inesperados: ˋ.htmlˋ, ˋ.zipˋ, ˋ.isoˋ o documentos de Office que piden *"Habilitar contenido"*.
- Un proveedor que comunica un **cambio de cuenta bancaria** por correo.
- Faltas de ortografía o un tono extraño en un compañero que normalmente escribe bien.

## Cómo reportarlo

### En Outlook (Windows, Mac o web)

1. Selecciona el mensaje **sin abrir los enlaces ni los adjuntos**.
2. Pulsa el botón **Informar** (o *Report*) de la cinta de opciones.
3. Elige **Notificar suplantación de identidad (phishing)**.

El mensaje se envía a nuestro equipo de seguridad y desaparece de tu bandeja.

### En el móvil

En Outlook para iOS o Android, abre el menú **…** del mensaje y elige **Notificar correo no deseado > Phishing**.

### Si no tienes el botón

Reenvíalo **como datos adjuntos** (no como reenvío normal) a phishing@helpdesk.example. En Outlook: **Más acciones > Reenviar como datos adjuntos**.

## ¿Y si ya he hecho clic?

No pasa nada por avisar: es mucho peor callarlo. Actúa rápido:

| Qué has hecho | Qué hacer ahora |
|---|---|
| Solo abrir el correo | Reportarlo. Abrir un correo normalmente no es peligroso |
| Hacer clic en el enlace, sin escribir nada | Reportarlo y cerrar el navegador |
| Escribir tu contraseña en la página | **Cambiar la contraseña inmediatamente** y llamar a soporte |
| Abrir un adjunto o habilitar macros | Desconectar el equipo de la red (cable y Wi-Fi) y llamar a soporte |
| Aprobar una notificación de MFA que no esperabas | Llamar a soporte **ya**: alguien tiene tu contraseña |
| Hacer una transferencia | Llamar a tu banco para intentar detenerla y después a soporte |

Teléfono de soporte para incidentes de seguridad: el que figura en tu contrato, disponible 24x7 para clientes con servicio de guardia.

## Recuerda

Soporte **nunca** te pedirá la contraseña ni un código de MFA por correo o por teléfono. Si alguien lo hace en nuestro nombre, es phishing.
`),
	},
	{
		Slug:     "set-up-mfa-microsoft-authenticator",
		Title:    "Setting up multi-factor authentication (MFA) with Microsoft Authenticator",
		Category: "Seguridad",
		Tags:     []string{"mfa", "authenticator", "microsoft-365", "security"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Setting up multi-factor authentication (MFA) with Microsoft Authenticator

Multi-factor authentication means that signing in needs *something you know* (your password) and *something you have* (your phone). Even if someone steals your password, they cannot get into your account. MFA blocks more than 99% of account-takeover attacks.

## What you need

- Your work email and password.
- A smartphone (iPhone or Android) with the **Microsoft Authenticator** app. Install it from the App Store or Google Play; check that the publisher is *Microsoft Corporation*.
- A computer to show the QR code.

## Set it up

1. On your computer, go to https://aka.ms/mfasetup and sign in.
2. Click **Add sign-in method** and choose **Authenticator app**. Click **Next**.
3. On your phone, open Authenticator, tap **+ > Work or school account > Scan QR code**, and allow notifications when asked.
4. Scan the QR code on the computer screen.
5. The computer sends a test notification. Type the **number shown on the computer** into your phone and approve.
6. Back on the computer, also add **Phone** (a text message) as a backup method.

## Daily use

When you sign in on a new device or after some time, the sign-in screen shows a two-digit number. Open the notification on your phone, type that number and confirm with your fingerprint or face.

> **Never approve a request you did not start.** If you get notifications out of the blue, someone knows your password. Deny them, change your password and tell us.

## New phone?

Before you reset or hand in your old phone:

- [ ] Sign in to https://aka.ms/mysecurityinfo.
- [ ] Add the Authenticator on the **new** phone using the steps above.
- [ ] Delete the old phone from the list.

On iPhone and Android you can also enable *Cloud backup* in Authenticator settings to restore accounts, but work accounts may still need to be re-verified.

If you have already lost the old phone, ask us to reset your MFA methods. We will verify your identity first.

## Troubleshooting

| Problem | Fix |
|---|---|
| No notification arrives | Open the Authenticator app; pending requests appear when it opens. Check that notifications are allowed |
| "Invalid code" with the 6-digit code | The phone's clock is wrong: set date and time to automatic |
| Asked for MFA every time | Tick *Don't ask again for 30 days* only on your own device; clear cookies less often |
| Travelling without data | Use the 6-digit code in the app: it works offline |
`),
	},
	{
		Slug:     "ransomware-primeros-pasos-infeccion",
		Title:    "Ransomware: primeros pasos si sospechas una infección",
		Category: "Seguridad",
		Tags:     []string{"ransomware", "seguridad", "incidente", "malware"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Ransomware: primeros pasos si sospechas una infección

El **ransomware** es un programa malicioso que cifra los archivos del equipo y de las carpetas de red y pide un rescate para recuperarlos. Lo que hagas en los **primeros minutos** determina cuántos equipos y archivos se ven afectados.

## Señales de que puede ser ransomware

- Archivos que no se abren y tienen una extensión nueva y extraña (ˋ.lockedˋ, ˋ.akiraˋ, ˋ.8base-xxxxˋ…).
- Un archivo de texto o una imagen de fondo con instrucciones de pago (ˋREADME.txtˋ, ˋHOW_TO_DECRYPT.htmlˋ).
- El equipo va muy lento y el disco trabaja sin parar.
- El antivirus muestra alertas de *"comportamiento sospechoso"* o *"cifrado masivo"*.

## Qué hacer: en este orden

1. **Desconecta el equipo de la red**: quita el cable de red y desactiva la Wi-Fi (o activa el modo avión). **No lo apagues**: la memoria contiene información útil para la investigación y, a veces, las claves de cifrado.
2. **Llama a soporte** al teléfono de urgencias. No envíes solo un correo: puede que no se lea a tiempo.
3. **Avisa a tus compañeros** de viva voz para que no abran archivos de las unidades compartidas.
4. **Haz fotos** de la pantalla con el móvil: mensajes, nombres de archivo, nota de rescate.
5. Anota la **hora** a la que lo notaste y qué estabas haciendo (abrir un adjunto, una web, un USB…).

## Qué NO hacer

- No pagues el rescate ni contactes con los atacantes: lo gestionamos con tu dirección, la aseguradora y, si procede, las autoridades.
- No intentes restaurar copias de seguridad tú mismo: podrías sobrescribir la copia buena con archivos cifrados.
- No borres archivos ni ejecutes "limpiadores" descargados de Internet.
- No vuelvas a conectar el equipo a la red hasta que te lo indiquemos.

## Qué haremos nosotros

| Fase | Acciones |
|---|---|
| Contención | Aislar equipos con Defender/EDR, bloquear cuentas afectadas, cortar accesos VPN |
| Análisis | Identificar el origen y el alcance, preservar evidencias |
| Recuperación | Restaurar desde copias inmutables verificadas, reinstalar equipos |
| Notificación | Apoyo para notificar a la AEPD en 72 h si hay datos personales (RGPD) e informar a la aseguradora |
| Lecciones aprendidas | Informe y mejoras: MFA, parches, copias 3-2-1 |

## Prevención

Lee *The 3-2-1 backup rule explained for small offices* y asegúrate de que tu empresa tiene copias fuera de línea o inmutables. Es lo que marca la diferencia entre un mal día y perder el negocio.
`),
	},
	{
		Slug:     "runbook-reset-mfa-client-user-entra",
		Title:    "Runbook: resetting MFA for a client user in the Entra admin center",
		Category: "Seguridad",
		Tags:     []string{"mfa", "entra-id", "runbook", "identity-verification"},
		Locale:   "en",
		Audience: "internal",
		Body: md(`# Runbook: resetting MFA for a client user in the Entra admin center

**Internal: help desk agents only.** Use this when a client user has lost or replaced their phone and can no longer complete MFA. Resetting MFA is one of the most abused help-desk requests in social-engineering attacks (see the 2023 casino breaches), so **identity verification is mandatory**.

## 1. Verify the caller

Never act on the inbound call, email or chat alone.

- [ ] Call the user back on the phone number stored in the PSA/CRM or in Entra ID, **not** a number they give you.
- [ ] Or get confirmation from the client's **authorised contact** listed in the contract (manager or IT contact) via a known channel.
- [ ] For VIP and admin accounts, both of the above.
- [ ] Record who verified and how in an **internal note** on the ticket.

If verification fails, do not reset anything. Add an internal note and follow *Escalation procedure: P1 incidents and on-call* as a possible social-engineering attempt.

## 2. Sign in through GDAP

Use your own named admin account through the Partner Center GDAP relationship with the *Authentication Administrator* role (or *Privileged Authentication Administrator* for admin users). Never use shared global admin credentials.

## 3. Reset in the portal

1. Go to https://entra.microsoft.com and switch to the client's tenant.
2. **Identity > Users > All users**, open the user.
3. Open **Authentication methods**.
4. Delete the lost phone's *Microsoft Authenticator* entry and any stale phone numbers.
5. Click **Require re-register multifactor authentication**.
6. Optionally click **Revoke sessions** if the phone was lost or stolen.

## 4. Or with Microsoft Graph PowerShell

~~~powershell
Connect-MgGraph -TenantId contoso.onmicrosoft.com -Scopes UserAuthenticationMethod.ReadWrite.All, User.RevokeSessions.All
$upn = 'ana.lopez@contoso.example'
Get-MgUserAuthenticationMicrosoftAuthenticatorMethod -UserId $upn |
  ForEach-Object { Remove-MgUserAuthenticationMicrosoftAuthenticatorMethod -UserId $upn -MicrosoftAuthenticatorAuthenticationMethodId $_.Id }
Revoke-MgUserSignInSession -UserId $upn
~~~

## 5. Temporary Access Pass (preferred)

Instead of leaving the account without MFA, issue a **Temporary Access Pass** valid for 1 hour, one use:

~~~powershell
New-MgUserAuthenticationTemporaryAccessPassMethod -UserId $upn -BodyParameter @{ lifetimeInMinutes = 60; isUsableOnce = $true }
~~~

Give the pass only over the verified call-back, then walk the user through https://aka.ms/mfasetup.

## 6. Close out

| Field | Value |
|---|---|
| Ticket category | security |
| Internal note | Verification method, who approved, methods removed |
| Client notification | Email the authorised contact that MFA was reset |
| Follow-up | Check sign-in logs for the user over the next 24 h |
`),
	},
	{
		Slug:     "password-manager-bitwarden-getting-started",
		Title:    "Password manager: getting started with Bitwarden",
		Category: "Seguridad",
		Tags:     []string{"bitwarden", "passwords", "security"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Password manager: getting started with Bitwarden

Reusing passwords is how one leaked website account turns into a breached company. A **password manager** remembers a different, strong password for every site, so you only need to remember one. Clients on our security plan get **Bitwarden Teams** or **Enterprise**.

## Why Bitwarden

- End-to-end encrypted: not even Bitwarden can read your vault.
- Works on Windows, macOS, iPhone, Android and in every major browser.
- Shared **collections** let a team share passwords (for example the supplier portal) without emailing them.
- When someone leaves, their access to shared collections is removed in one click.

## Accept the invitation

1. You will receive an email *"Join <Company> on Bitwarden"*. Click **Join organization**.
2. Create your account with your **work email**. If your company uses single sign-on, click **Enterprise single sign-on** and use your Microsoft account.
3. Choose a **master password**: a long passphrase you have never used anywhere, e.g. ˋcorrect-harbour-lantern-92-pebbleˋ.
4. Write down the **recovery code** (*Settings > Security > Two-step login > View recovery code*) and keep it somewhere safe, not on your computer.

> If you forget your master password, we **cannot** recover it unless your company enabled account recovery. Choose something memorable.

## Install the extension and apps

| Where | How |
|---|---|
| Edge / Chrome / Firefox | Install *Bitwarden Password Manager* from the browser's extension store |
| Windows / macOS | Download from https://bitwarden.com/download/ or the Company Portal |
| iPhone / Android | App Store / Google Play, then enable AutoFill in the phone settings |

## Move your passwords in

- [ ] Export saved passwords from Edge or Chrome (*Settings > Passwords > Export*) and import them in the web vault: **Tools > Import data**.
- [ ] Delete the exported CSV file afterwards: it is not encrypted.
- [ ] Turn off the browser's own password saving to avoid duplicates.
- [ ] Run **Reports > Reused passwords** and change the worst ones first.

## Good habits

1. Let Bitwarden generate passwords: 20 characters, all character types.
2. Turn on **two-step login** for the vault itself.
3. Lock the vault when you step away (*Settings > Vault timeout*: 15 minutes).
4. Never share a password by email or Teams: use a shared collection or **Bitwarden Send** with an expiry.

Questions or a forgotten master password? Open a ticket: we can check whether account recovery is available for your company.
`),
	},
	// ---------------------------------------------------------- Altas y bajas de empleados
	{
		Slug:     "checklist-alta-nuevo-empleado",
		Title:    "Checklist de alta de un nuevo empleado",
		Category: "Altas y bajas de empleados",
		Tags:     []string{"onboarding", "altas", "checklist", "microsoft-365"},
		Locale:   "es",
		Audience: "clients",
		Body: md(`# Checklist de alta de un nuevo empleado

Para que una persona nueva tenga todo listo el primer día, necesitamos la solicitud con **al menos 5 días laborables** de antelación (10 si hay que comprar un portátil). Abre un ticket de categoría *Altas y bajas* con la información de la primera sección.

## Datos que necesitamos

- [ ] Nombre y apellidos (tal como deben aparecer en el correo).
- [ ] Fecha de incorporación y oficina (o teletrabajo).
- [ ] Puesto y departamento.
- [ ] Responsable directo, que aprobará los accesos.
- [ ] Usuario "modelo": un compañero con los **mismos permisos** que necesitará.
- [ ] Teléfono móvil personal o de empresa (para el MFA y la recuperación de contraseña).
- [ ] Necesidades especiales: software concreto (SAP, AutoCAD, A3), segunda pantalla, móvil de empresa.

## Lo que hacemos nosotros

### Cuentas y licencias

- [ ] Crear la cuenta en Active Directory / Entra ID con el formato ˋnombre.apellido@empresaˋ.
- [ ] Asignar la licencia de Microsoft 365 (por grupo).
- [ ] Añadir a grupos de seguridad, listas de distribución, equipos de Teams y buzones compartidos.
- [ ] Dar acceso a carpetas de red y sitios de SharePoint del departamento.
- [ ] Crear usuarios en las aplicaciones de negocio (ERP, CRM) si están en nuestro alcance.

### Equipo

- [ ] Preparar el portátil con Autopilot y comprobar BitLocker y el antivirus.
- [ ] Instalar el software específico del puesto.
- [ ] Configurar la impresora de la oficina y la VPN.
- [ ] Etiquetar el equipo y registrarlo en el inventario.

### Primer día

- [ ] Entregar la contraseña temporal **en persona o por SMS**, nunca por correo.
- [ ] Acompañar el registro del MFA (ver *Setting up multi-factor authentication*).
- [ ] Enviar la guía *Primer día: configurar tu equipo y tus cuentas*.

## Plazos habituales

| Tarea | Plazo desde la solicitud |
|---|---|
| Cuenta y correo | 1 día laborable |
| Portátil en stock preparado | 2–3 días laborables |
| Portátil nuevo (compra) | 7–10 días laborables |
| Accesos a aplicaciones de terceros | Depende del proveedor |

## Script de referencia (técnicos)

~~~powershell
$clave = Read-Host -AsSecureString "Contraseña temporal"
New-ADUser -Name "Lucía Martín" -GivenName Lucía -Surname Martín -SamAccountName lmartin ˋ
  -UserPrincipalName lucia.martin@empresa.example -Path "OU=Usuarios,OU=Madrid,DC=empresa,DC=local" ˋ
  -AccountPassword $clave -ChangePasswordAtLogon $true -Enabled $true
Get-ADUser plantilla.comercial -Properties MemberOf | Select-Object -ExpandProperty MemberOf |
  ForEach-Object { Add-ADGroupMember -Identity $_ -Members lmartin }
~~~
`),
	},
	{
		Slug:     "employee-offboarding-checklist",
		Title:    "Employee offboarding checklist",
		Category: "Altas y bajas de empleados",
		Tags:     []string{"offboarding", "leavers", "checklist", "microsoft-365"},
		Locale:   "en",
		Audience: "clients",
		Body: md(`# Employee offboarding checklist

When someone leaves, access must end on their last day and their data must stay available to the company. Open a ticket in the *Onboarding / offboarding* category **as soon as the leaving date is known**. For dismissals, call us: we can disable the account at the exact time of the meeting.

## What we need from you

- [ ] Name and last working day (and time, if it matters).
- [ ] Who receives the **mailbox** and **OneDrive files** (usually the manager).
- [ ] Whether an **auto-reply** is needed, and its text.
- [ ] Equipment to be returned: laptop, phone, tokens, access badges.
- [ ] Third-party systems we don't manage (bank portals, supplier platforms, social media) so you can change those passwords.

## What we do on the last day

### Access

- [ ] Block sign-in and **revoke all sessions** in Entra ID.
- [ ] Disable the AD account and move it to the *Leavers* OU.
- [ ] Reset the password to a random value.
- [ ] Remove MFA methods and registered devices; remote-wipe company data from personal phones (Intune app protection).
- [ ] Remove from VPN, Wi-Fi and remote desktop groups.
- [ ] Remove from the Bitwarden organisation and rotate shared passwords they knew.

### Data

- [ ] Convert the mailbox to a **shared mailbox** and give the manager access (no licence needed under 50 GB).
- [ ] Set the auto-reply and, if requested, forward new mail.
- [ ] Give the manager access to the OneDrive (kept for 30 days by default, longer on request).
- [ ] Transfer ownership of Teams, SharePoint sites and Power Automate flows the person owned.

### Licences and equipment

- [ ] Remove the Microsoft 365 licence **after** the mailbox is converted.
- [ ] Free Adobe, AutoCAD and other named licences.
- [ ] Collect, wipe and re-stock the laptop; record the serial number in the inventory.

## Script for the access part (agents)

~~~powershell
$upn = 'leaver@contoso.example'
Connect-MgGraph -Scopes User.ReadWrite.All, User.RevokeSessions.All
Update-MgUser -UserId $upn -AccountEnabled:$false
Revoke-MgUserSignInSession -UserId $upn
Connect-ExchangeOnline
Set-Mailbox $upn -Type Shared
Add-MailboxPermission $upn -User manager@contoso.example -AccessRights FullAccess -AutoMapping $true
Set-MailboxAutoReplyConfiguration $upn -AutoReplyState Enabled -ExternalMessage "I no longer work at Contoso. Please contact manager@contoso.example."
~~~

## After 90 days

Unless you tell us otherwise, we delete the disabled account, the shared mailbox is kept for as long as you need it, and the ticket is closed with a summary of everything that was done. Keep that summary: auditors and data-protection requests often ask for it.
`),
	},
	{
		Slug:     "primer-dia-configurar-equipo-cuentas",
		Title:    "Primer día: configurar tu equipo y tus cuentas",
		Category: "Altas y bajas de empleados",
		Tags:     []string{"onboarding", "primer-dia", "mfa", "onedrive"},
		Locale:   "es",
		Audience: "public",
		Body: md(`# Primer día: configurar tu equipo y tus cuentas

¡Bienvenido o bienvenida! Esta guía te acompaña en los primeros pasos con tu equipo nuevo. Necesitarás unos **45 minutos** y tu móvil a mano.

## Lo que te habrán entregado

- Tu usuario (normalmente ˋnombre.apellido@empresaˋ).
- Una **contraseña temporal**, en persona o por SMS.
- El portátil, el cargador y, si corresponde, la base de conexión.

## 1. Inicia sesión y cambia la contraseña

1. Enciende el portátil y conéctalo a la Wi-Fi o al cable de red.
2. Inicia sesión con tu usuario y la contraseña temporal.
3. Windows te pedirá una **contraseña nueva**. Lee antes la *Política de contraseñas* para que no te la rechace.

## 2. Registra el doble factor (MFA)

Instala **Microsoft Authenticator** en tu móvil y sigue *Setting up multi-factor authentication (MFA) with Microsoft Authenticator*. Añade también tu número de teléfono como método de respaldo.

## 3. Comprueba tus aplicaciones

- [ ] **Outlook** se abre y muestra tu correo y tu calendario.
- [ ] **Teams** inicia sesión solo y ves los equipos de tu departamento.
- [ ] **OneDrive** muestra una nube azul junto al reloj y tus carpetas *Escritorio* y *Documentos* tienen una marca verde.
- [ ] Las **unidades de red** o los sitios de SharePoint de tu departamento están accesibles.
- [ ] Puedes imprimir una página de prueba en la impresora de tu planta.

Si falta alguna aplicación, búscala en el **Portal de empresa** antes de pedirla.

## 4. Configura el móvil (opcional)

Si vas a leer el correo en el móvil, instala **Outlook** y **Teams** desde la tienda oficial. No uses la aplicación de correo que trae el teléfono: la política de la empresa solo permite las aplicaciones de Microsoft, que protegen los datos si pierdes el móvil.

## 5. Guarda estos enlaces

| Para qué | Dónde |
|---|---|
| Abrir un ticket o consultar esta base de conocimiento | https://support.example.com |
| Cambiar tus métodos de MFA | https://aka.ms/mysecurityinfo |
| Recuperar la contraseña | https://passwordreset.microsoftonline.com |
| Correo desde el navegador | https://outlook.office.com |

## Tres reglas de oro

1. **Nadie de soporte te pedirá nunca la contraseña** ni un código de MFA.
2. Guarda tu trabajo en **OneDrive o SharePoint**, no solo en el escritorio de un equipo sin sincronizar.
3. Ante un correo sospechoso, usa el botón **Informar** (ver *Cómo reportar un correo de phishing*).

¿Algo no funciona? Abre un ticket desde el portal o llama a soporte. En tu primera semana, tus tickets tienen prioridad.
`),
	},
	{
		Slug:     "map-network-drive-windows-macos",
		Title:    "Mapping a network drive on Windows and macOS",
		Category: "Wi-Fi y red",
		Tags:     []string{"network-drive", "smb", "file-server", "macos"},
		Locale:   "en",
		Audience: "public",
		Body: md(`# Mapping a network drive on Windows and macOS

Most of our clients' company laptops get their drive letters (for example **S:** for *Shared* or **P:** for *Projects*) automatically at sign-in through group policy. If a drive is missing, or you use a Mac, you can connect it yourself.

## Before you start

- You must be in the office or connected to the **VPN**.
- You need the share's path, e.g. ˋ\\srv-files01\Projectsˋ. Ask a colleague who already has it (right-click the drive > *Properties*) or ask us.
- You only see folders you have permission for. Access is granted per department.

## Windows: File Explorer

1. Open **File Explorer** and click **This PC**.
2. Click **… > Map network drive**.
3. Choose a letter and type the folder path, e.g. ˋ\\srv-files01\Projectsˋ.
4. Tick **Reconnect at sign-in**.
5. Only tick **Connect using different credentials** if we told you to; normally your Windows sign-in is used.
6. Click **Finish**.

## Windows: command line

~~~cmd
net use P: \\srv-files01\Projects /persistent:yes
net use
~~~

If a drive shows a red cross after connecting the VPN, just double-click it: Windows reconnects drives lazily. Or remove and re-add it:

~~~cmd
net use P: /delete
net use P: \\srv-files01\Projects /persistent:yes
~~~

## macOS

1. In Finder, press **Cmd + K** (*Go > Connect to Server*).
2. Type ˋsmb://srv-files01.company.local/Projectsˋ and click **Connect**.
3. Sign in with your work username (ˋCOMPANY\jsmithˋ or ˋjsmith@company.exampleˋ) and password. Tick *Remember this password in my keychain*.
4. To reconnect automatically, open **System Settings > General > Login Items** and add the mounted share.

## Common errors

| Error | Meaning | Fix |
|---|---|---|
| *The network path was not found* (0x80070035) | Server unreachable | Check the VPN; try the IP instead of the name |
| *Access is denied* (0x80070005) | No permission for that folder | Ask your manager to approve access in a ticket |
| *Multiple connections… by the same user* (error 1219) | Drive already mapped with other credentials | ˋnet use * /deleteˋ, then map again |
| Mac: *There was a problem connecting* | Wrong path or SMB signing policy | Use the full name ending in ˋ.localˋ; open a ticket if it persists |

Consider moving team files to **SharePoint/Teams**: they work without VPN, on any device, with version history built in.
`),
	},
	// ---------------------------------------------------------------- Procedimientos internos
	{
		Slug:     "escalation-procedure-p1-incidents-on-call",
		Title:    "Escalation procedure: P1 incidents and on-call",
		Category: "Procedimientos internos",
		Tags:     []string{"escalation", "on-call", "runbook", "sla"},
		Locale:   "en",
		Audience: "internal",
		Body: md(`# Escalation procedure: P1 incidents and on-call

**Internal: help desk staff only.** This procedure defines when and how a ticket is escalated, who is on call and how we keep the client informed. It applies to all clients; contract-specific exceptions are noted on the client record in the portal.

## Priority definitions

| Priority | Definition | Examples | First response | Update cadence |
|---|---|---|---|---|
| Urgent (P1) | Whole company or critical service down; security incident | Server down, ransomware, all email down | 30 min, 24x7 for on-call clients | Every hour |
| High (P2) | Department or key person blocked, no workaround | Office printer fleet down, director cannot sign in | 2 business hours | Every 4 hours |
| Medium (P3) | One user affected, workaround exists | Outlook slow, one printer | 8 business hours | Daily |
| Low (P4) | Request or question | New software, licence change | 2 business days | On change |

## When to escalate

Escalate **immediately**, without waiting for the SLA to run out, when:

1. A ticket is reclassified as **urgent** or more than one client reports the same symptom.
2. Anything looks like a security incident: unexpected MFA prompts, mass mail from a user, encrypted files, impossible-travel alerts.
3. You have worked on a ticket for **60 minutes** without progress (functional escalation to level 2).
4. The client asks to speak to a manager, or mentions the contract, penalties or legal action (hierarchical escalation).

## How to escalate

1. Set the ticket priority and add an **internal note** with: what you know, what you have tried, and the current impact.
2. For P1: call the on-call engineer on the on-call phone. Do **not** rely only on Teams or email.
3. Post in the ˋ#incidentsˋ Teams channel: client, ticket number, one-line summary.
4. Tell the client who now owns the ticket and when the next update will come.

## On-call rota

- Weekdays 19:00–08:00, weekends and public holidays: one level-2 engineer on call, one level-3 backup.
- The rota lives in the *On-call* Teams calendar. Swaps must be recorded there.
- The on-call engineer acknowledges a P1 within **15 minutes**. If there is no answer after two calls, phone the backup, then the service manager.

## Vendor cases

When a vendor case is opened (Microsoft, Fortinet, Veeam, HP), add the **case number**, severity and contract ID to an internal note. Spanish-speaking colleagues: see *Procedimiento de escalado a proveedores*.

## After a P1

Within 3 business days, the ticket owner writes a short post-incident review: timeline, root cause, what went well, actions. Share it with the client's authorised contact and link it from the ticket.
`),
	},
	{
		Slug:     "procedimiento-escalado-proveedores",
		Title:    "Procedimiento de escalado a proveedores (Microsoft, Fortinet, Veeam, HP)",
		Category: "Procedimientos internos",
		Tags:     []string{"escalado", "proveedores", "runbook", "soporte"},
		Locale:   "es",
		Audience: "internal",
		Body: md(`# Procedimiento de escalado a proveedores (Microsoft, Fortinet, Veeam, HP)

**Uso interno.** Cuándo y cómo abrir un caso con un fabricante en nombre de un cliente, y cómo registrarlo en el portal para que cualquier compañero pueda continuarlo.

## Cuándo abrir un caso

- El problema está identificado como fallo del producto (bug, error de servicio, hardware averiado en garantía).
- Has seguido la documentación del fabricante y el problema persiste.
- Es un incidente **urgente** y el fabricante es la vía más rápida (por ejemplo, una incidencia global de Microsoft 365).

Antes de abrir un caso en Microsoft, revisa el **estado del servicio** en el centro de administración del cliente: si hay una incidencia abierta (*EX123456*, *TM654321*), enlázala en el ticket y no abras caso.

## Datos de contacto y contratos

| Proveedor | Cómo abrir el caso | Datos necesarios |
|---|---|---|
| Microsoft 365 / Azure | Partner Center > Solicitudes de servicio (como CSP) | Tenant ID, UPN afectados, hora UTC, ID de correlación |
| Fortinet | https://support.fortinet.com | Número de serie del FortiGate, versión de FortiOS, debug |
| Veeam | https://my.veeam.com | ID de licencia, logs exportados desde la consola |
| HP / Dell / Lenovo | Portal de garantía del fabricante | Número de serie, diagnóstico (código de error de la BIOS o de la herramienta del fabricante) |

## Registrar el caso en el ticket

Añade siempre una **nota interna** con este formato:

~~~text
[PROVEEDOR] Fortinet
[CASO] 8412345
[SEVERIDAD] 2 - Alta
[ABIERTO POR] nombre del técnico, fecha y hora
[RESUMEN] Túnel SSL-VPN se cae cada 30 min tras actualizar a 7.2.8
[SIGUIENTE PASO] Esperando análisis de debug; revisar mañana 10:00
~~~

Pon el ticket en estado **En espera** solo si el bloqueo es del proveedor, y anota la fecha de seguimiento.

## Recoger diagnósticos

Para Microsoft 365, exporta el registro de inicio de sesión o el seguimiento del mensaje. Para Windows:

~~~powershell
Get-ComputerInfo | Select-Object OsName, OsVersion, CsModel, BiosSMBIOSBIOSVersion
Get-WinEvent -LogName System -MaxEvents 200 | Export-Csv "$env:TEMP\system.csv" -NoTypeInformation
~~~

Para FortiGate, desde la CLI:

~~~bash
diagnose debug application sslvpn -1
diagnose debug enable
~~~

## Seguimiento

1. Revisa el caso **cada día laborable** y anota cualquier avance en el ticket.
2. Si el proveedor no responde en su SLA, solicita escalado dentro de su portal (*Escalate case*).
3. Mantén informado al cliente con una respuesta pública; el número de caso se puede compartir, los detalles internos no.
4. Al cerrar, anota la **causa raíz** y la solución en una nota interna y valora si merece un artículo en esta base de conocimiento.
`),
	},
}
