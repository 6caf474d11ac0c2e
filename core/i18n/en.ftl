# mcert core: messages shown to users (English fallback).

pin-format = The certificate PIN must be exactly 6 digits
pin-weak = The certificate PIN is too easy to guess: not six equal digits and not a straight run (such as 123456 or 654321)
pin-wrong = Wrong certificate PIN, { $tries } tries left
pin-wrong-last = Wrong certificate PIN; the certificate is now locked
key-locked = The certificate is locked after 5 wrong PINs. Reset the PIN under Certificate management after verifying your identity.
key-tampered = The certificate data on this device was modified or is damaged ({ $what }) and cannot be used. Please have the certificate reissued.
key-unknown-version = The certificate data on this device uses a newer format (version { $version }). Please update the app.
key-not-found = No such certificate key: { $id }
cert-mismatch = This certificate does not match the key on this device
device-secret-missing = The device secret in this phone's secure storage is gone, so the certificates on this device cannot be opened. Please have them reissued.
device-secret-invalid = The device secret in this phone's secure storage is damaged. Please have the certificates reissued.
secret-store-unavailable = The system's secure storage is not available: { $detail }
secret-store-failed = The system's secure storage failed: { $detail }
schema-too-new = The certificate store was created by a newer version of the app. Please update the app.
keystore-io = Reading or writing the certificate store failed: { $detail }
protection-unsupported = This certificate's protection ({ $mode }) does not support this operation
crypto-failed = A cryptographic operation failed: { $detail }
qr-none = No QR code found
qr-invalid-frame = Invalid camera frame: { $detail }
qr-image = Cannot read the image: { $detail }
qr-encode = Cannot make the QR code: { $detail }
file-secret-warning = WARNING: the device secret is kept in a plain file; anyone who copies this folder can guess certificate PINs offline. Use only for testing or on machines without a system secret store.


## Scan
scan-not-mcert = This is not an mcert certificate QR code
scan-malformed-qr = The QR code is incomplete or damaged; please scan again
scan-cert-not-good = The certificate cannot be used ({ $detail })
scan-chain = Certificate chain check failed: { $detail }
scan-mismatch = What was signed differs from the transaction ({ $field }); refused
scan-wrong-session = This answer belongs to another transaction; refused
scan-bad-bid = The bid cannot be opened: wrong key or damaged file
scan-invalid = Invalid scan data: { $detail }
scan-no-eligible = No certificate on this phone may be used for this transaction
scan-expired-here = This QR code has expired; refresh it on the platform page and scan again

net-unreachable = Cannot reach the service; check the network: { $detail }
net-not-logged-in = Please log in first
net-bad-answer = The service's answer could not be read: { $detail }
pay-timeout = No payment result within { $seconds } s; check My orders later
scan-no-bid-key = The key that opens this bid (certificate serial { $serial }) is not on this phone
scan-seal-not-offered = This seal cannot be used for this stamp
scan-seal-use-refused = An admin refused this use of the seal
seal-unknown-approval = No such seal approval, or it was decided
scan-stamp-timeout = The platform did not prepare the document within { $seconds } s; scan again

## Command line
cli-error = error
cli-io = cannot read or write { $path }: { $detail }
cli-pin-prompt = Enter the 6-digit certificate PIN: 
cli-new-pin-prompt = Choose a new 6-digit certificate PIN: 
cli-no-secret-store = { $detail }. On a machine without a system secret store, --insecure-file-secret keeps the device secret in a file (not secure).
cli-key-made = Made { $alg } key { $id } on this device
cli-pin-changed = Certificate PIN changed
cli-no-keys = No certificate keys on this device yet

cli-rp-no-key = A platform API key is needed: give --api-key, --api-key-file or MCERT_RP_API_KEY
cli-rp-sealed = Bid sealed to certificate { $serial }
cli-rp-pdf-unreadable = The PDF cannot be read: { $detail }
cli-rp-pdf-unsigned = The PDF carries no signature
cli-rp-pdf-valid = ✓ Stamp { $field } (page { $page }) is valid
cli-rp-pdf-invalid = ✗ Stamp { $field } (page { $page }) is NOT valid
cli-rp-pdf-signer = Signed by { $signer }, certificate { $serial }, status { $status }
cli-rp-pdf-seal = Electronic seal: { $name } ({ $id })
cli-rp-pdf-later = Signed again later: { $fields }
cli-rp-pdf-refused = Not every stamp of the PDF verifies
cli-rp-created = { $operation } session { $id } created, verification code { $code }; scan it with the mcert app
cli-rp-png = The QR code is redrawn every second in { $path }
cli-rp-bad-place = The stamp place { $value } is not valid; expected PAGE:x0,y0,x1,y1[:kinds]
cli-rp-stamped = Stamped PDF written to { $path }: all { $count } signatures in the file verify
cli-rp-need-document = A sign session needs --document
cli-rp-need-sealed = A decrypt session needs --sealed
cli-rp-ended = The session did not complete: { $status } { $reason }
cli-rp-verified = Result verified: { $subject } (certificate serial { $serial }, { $alg })
cli-rp-bid-opened = Bid opened and written to { $path }
cli-rp-demo = mcert demo bidding platform: { $url }
cli-platform-added = Platform { $id } registered; the API key is shown only once, keep it safe
cli-scan-show = { $platform } asks: { $operation }
    Project: { $project }
    Lot: { $lot }
    Document: { $document }
    Verification code: { $code } (compare it with the platform page)
cli-scan-cert = Certificate: { $subject } (serial { $serial })
cli-scan-confirm = Is all of this right? Continue? [y/N]
cli-scan-declined = Declined ({ $status })
cli-scan-done = { $operation }: done ({ $status })
cli-usage-empty = No usage records yet

## mcert demo
demo-title = mcert core walkthrough ({ $alg }): keys, certificates, signatures, bid opening and QR codes
demo-store = Stand-in phone key store: { $path } (device secret held in process memory)
demo-ca = Made CAs: { $root } → { $issuing }
demo-keygen = Made key { $id } in the phone key store, protected by the certificate PIN (Argon2id, { $ms } ms)
demo-csr = Made a certificate request; the CA checked proof of possession
demo-issue = Issued a personal certificate: serial { $serial }, valid until { $until }
demo-path = Certificate path validated ({ $depth } levels)
demo-login = Scan to log in: the phone signed what it showed, the platform verified it
demo-cms = Document signing: detached CMS signature verified (digest { $digest }…)
demo-bid = Bid opening: a bid key sealed to the certificate, opened on the phone with the PIN
demo-wrong-pin = With a wrong PIN: { $message }
demo-qr = QR code: made and read back { $bytes } bytes, identical
demo-done = All { $steps } steps passed
cli-audit-ok = The audit chain is intact: { $events } events
cli-audit-broken = The audit chain breaks at event { $seq } ({ $reason }); { $events } events checked
cli-database = Database error: { $detail }
cli-serve-listening = mcert service listening on { $url } (database: { $db })
cli-serve-dev = ⚠ DEVELOPMENT MODE: development providers and a generated operator key are in use; never use this in production
cli-serve-stopped = mcert service stopped
cli-serve-no-operator-key = Production mode needs an operator key: set MCERT_OPERATOR_KEY (64 hex digits) or operator_key_file; for development use --dev
cli-serve-failed = The service cannot start: { $detail }
cli-code-sent = A code was sent to { $phone }
cli-code-prompt = Enter the SMS code: 
cli-logged-in = Logged in: { $phone }
cli-reported-lost = Certificate { $serial } is reported lost and revoked; it can no longer be used
cli-verified = Real name verified: { $name } ({ $id })
cli-order-placed = Order { $id } placed: { $amount } CNY, status { $status }
cli-order-paid = Order { $id } paid, status { $status }
cli-installed = Certificate installed on this device: serial { $serial }
cli-key-recovered = The key of encryption certificate { $serial } was recovered for case { $case }, sealed to certificate { $recipient } only; the recovery is recorded and audited
cli-reissued = Certificate reissued on this device: serial { $serial }; the old one is revoked and { $keys } escrowed encryption key(s) restored (earlier bids still open)
cli-no-entitlement = No certificate waiting to be installed; order and pay for one first
cli-service = The service answered with an error: { $detail }
demo-scan-title = mcert demo: service, phone and bidding platform; log in, sign and open a bid by scanning, every step verified
demo-scan-service = Service started at { $url } (development mode: development SMS, identity and payment providers)
demo-scan-platform = The operator registers the bidding platform "{ $name }"; it gets an API key and pins the CA roots
demo-scan-login-sms = The phone logs in with an SMS code: { $phone }
demo-scan-identity = Real name verified: { $name } ({ $id })
demo-scan-paid = Personal certificate ordered and paid: { $amount } CNY, order { $status }
demo-scan-installed = Key made on the phone (PIN-protected), certificate installed: serial { $serial }
demo-scan-encryption = Encryption certificate { $serial }: its key made and escrowed by key management, delivered in an envelope to the phone's signing key
demo-scan-sealed = The bid was sealed to the bidder's encryption certificate { $serial } (from the login result) when it was submitted
demo-scan-created = The platform starts "{ $operation }"; its page redraws the QR code every second ({ $bytes }-byte PNG), verification code { $code }
demo-scan-phone-shows = The phone reads the QR code and shows: { $platform } asks "{ $operation }", verification code { $code }
demo-scan-wrong-pin = A wrong PIN first: { $message }
demo-scan-verified = The platform verifies "{ $operation }": signature, chain and OCSP status are good ({ $holder }, { $serial })
demo-scan-opened = Bid opened: the platform recovers the bid key with its ephemeral key and decrypts the bid: { $bid }
demo-scan-stale = A screenshot of the QR code from 6 seconds ago is refused: { $message }
demo-scan-usage = Usage records ({ $count }):
demo-scan-usage-line = { $at }  { $operation }  { $holder }  { $serial }  { $outcome }
demo-scan-audit = Audit chain intact: { $events } events

## mcert ca
cli-ca-failed = CA: { $detail } ({ $code })
cli-ca-no-passphrase = A root key passphrase is needed: give --passphrase-file or set MCERT_ROOT_PASSPHRASE
cli-ca-exists = { $path } already exists; a root is made once
cli-ca-root-made = { $alg } root CA made, serial { $serial }; key sealed in { $path } (keep it offline)
cli-ca-issuing-signed = { $alg } issuing CA signed, serial { $serial } (id { $id }); restart the service to use it
cli-ca-root-crl = { $alg } root CRL number { $number } signed and stored
cli-ca-revoked = Certificate { $serial } revoked; the new CRL is published
cli-uploaded = Uploaded { $file } ({ $type })
cli-org-registered = Organisation "{ $name }" registered; you are its certificate administrator. Next: the CA authorisation (mcert org letter-template / authorise-letter)
cli-letter-written = Authorisation letter template saved to { $path }: print it, stamp it with the official seal, have the legal representative sign, then photograph and upload it
demo-org-title = —— Organisation: registration, CA authorisation, review, bank transfer and invoice, seal, grants, claim ——
demo-org-registered = "{ $org }" registered; { $admin } is its certificate administrator
demo-org-letter = Authorisation letter template downloaded (PDF, { $bytes } bytes); print, stamp, have it signed, photograph it
demo-org-letter-submitted = Letter uploaded and submitted: { $status }
demo-org-console = Reviewer { $reviewer } logs in to the console with password and one-time code
demo-org-authorised = The console approves the letter; CA authorisation: { $status }; SMS: { $sms }
demo-org-applied = The organisation uploads its business licence and applies for the package: { $status }
demo-org-approved = The console approves the organisation's application: { $status }
demo-transfer-instructions = The organisation pays by bank transfer: bank { $bank }, this order's receiving account { $account }, amount ¥{ $amount }
demo-transfer-partial = Part of the money arrives: ¥{ $paid } received, the order is still { $status }
demo-transfer-paid = The rest arrives and the order is { $status }; the same transfer reported again is not counted twice
demo-invoice = Invoice { $number } issued after payment ({ $title }, total ¥{ $total }), a PDF of { $bytes } bytes to download or share by link
demo-org-installed = The administrator makes a key on the phone and downloads the organisation certificate (serial { $serial })
demo-seal-applied = The admin photographs the { $kind } stamped on white paper and applies: paper, light and shadow removed, { $width }×{ $height } px ({ $mm } mm at 300 dpi), { $clear }% transparent
demo-seal-approved = The console approves the seal: { $status }
demo-seal-claimed = The admin claims the seal with the certificate's PIN: { $status }; the GB/T 38540 seal "{ $name }" ({ $bytes } bytes) is made by the seal maker and bound to the organisation certificate
demo-seal-stamped = The member stamps the bid PDF by scan ({ $limits }): the platform prepares the PDF with the seal picked, the phone signs with the PIN; "{ $seal }" on page { $page }, the GB/T 38540 signature verifies, certificate { $status } ({ $bytes } bytes)
demo-seal-granted = The admin gives the official seal to { $member }: { $limits }
demo-org-granted = The administrator adds { $name } ({ $role }) and assigns a personal certificate
demo-org-claimed = { $name } verifies on their own phone and claims the certificate of "{ $org }" (serial { $serial })
demo-org-scanned = Logged in to the platform by scan with the claimed certificate; the platform verifies holder { $holder }, organisation { $org }
demo-org-usage = The administrator reads { $count } usage records of the organisation
cli-signature-agree = Read the signature picture notice above; to agree, run again with --agree
demo-signature-made = The certificate's user reads and agrees to the "{ $notice }" and takes the generated name seal "{ $name }": [{ $status }] ({ $bytes } byte PNG)
demo-signature-stamped = The certificate's user scans again and signs beside the official seal with the name seal "{ $name }": all { $count } signatures in the file verify
demo-handwriting-submitted = The certificate's user writes a signature on the phone ({ $width } × { $height } mm) and submits it: { $status }
demo-handwriting-approved = A reviewer approves the handwritten signature in the console; it replaces the name seal: { $status }
demo-two-stamps = One scan, two stamps: the official seal (with its cross-page seal) on the last page and the handwritten signature on the first; all { $count } signatures in the file verify

demo-reissue-title = — The phone is replaced: 补办 on a new phone —
demo-reissue-new-phone = The new phone logs in ({ $phone }) and { $name } passes real-name and face verification again
demo-reissue-done = Certificate reissued on the new phone: serial { $serial }; the old { $old } is revoked and { $keys } escrowed encryption key(s) restored
demo-reissue-old-phone = The old phone can no longer answer: { $message }
demo-reissue-opened = The bid sealed to { $serial } before the phone changed opens on the new phone: { $bid }
