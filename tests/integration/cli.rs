//! The `mcert` command line, run as a user would run it.

use std::path::Path;
use std::process::{Command, Output};

use mcert_test_support::TempDir;

const MCERT: &str = env!("CARGO_BIN_EXE_mcert");

fn mcert(args: &[&str]) -> Output {
    Command::new(MCERT)
        .args(args)
        .env("MCERT_LANG", "zh-CN")
        .output()
        .expect("run mcert")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool).arg(arg).output().is_ok()
}

#[test]
fn version_names_the_commit() {
    let out = mcert(&["--version"]);
    assert!(out.status.success());
    let (stdout, _) = text(&out);
    assert!(stdout.starts_with("mcert 0.1.0 (commit "), "{stdout}");
}

#[test]
fn qr_encode_then_decode() {
    let dir = TempDir::new("cli-qr");
    let png = dir.path("code.png");
    let payload = "mcert.01JD3T9W6R8Q2XK4M5N7P9S1V3.3.0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let out = mcert(&["qr", "encode", payload, "-o", s(&png)]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mcert(&["qr", "decode", s(&png)]);
    assert!(out.status.success());
    assert_eq!(text(&out).0, format!("{payload}\n"));
    for engine in ["rxing", "rqrr"] {
        let out = mcert(&["qr", "decode", "--engine", engine, s(&png)]);
        assert_eq!(text(&out).0, format!("{payload}\n"), "{engine}");
    }
    // A stranger reads it too.
    if have("zbarimg", "--version") {
        let z = Command::new("zbarimg")
            .args(["--quiet", "--raw", s(&png)])
            .output()
            .expect("zbarimg");
        assert_eq!(String::from_utf8_lossy(&z.stdout).trim(), payload);
    } else {
        eprintln!("zbarimg not installed: skipping the cross-check");
    }
}

#[test]
fn qr_decode_without_a_code_or_a_picture() {
    let dir = TempDir::new("cli-qr-none");
    // A plain grey picture: nothing on stdout, exit code 1.
    let blank = dir.path("blank.png");
    std::fs::write(&blank, image_bytes_grey()).expect("write");
    let out = mcert(&["qr", "decode", s(&blank)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out).1.contains("未识别到二维码"));
    // Not an image at all: a precise error, exit code 2.
    let junk = dir.path("junk.png");
    std::fs::write(&junk, b"not a picture").expect("write");
    let out = mcert(&["qr", "decode", s(&junk)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("无法读取图片"), "{:?}", text(&out));
    let out = mcert(&["qr", "decode", s(&dir.path("missing.png"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("无法读写文件"));
}

/// A 64×64 mid-grey PNG (stored uncompressed: zlib level 0), written without an image crate.
fn image_bytes_grey() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn adler32(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &d in data {
            a = (a + u32::from(d)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let (w, h) = (64u32, 64u32);
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0); // filter: none
        raw.extend(std::iter::repeat_n(128u8, w as usize));
    }
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    z.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn device_keys_from_the_shell() {
    let dir = TempDir::new("cli-device");
    let home = dir.path("phone");
    let base = ["device", "--home", s(&home), "--insecure-file-secret"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        mcert(&args)
    };
    // A weak PIN is refused with the reason.
    let out = run(&["keygen", "--alg", "sm2", "--pin", "123456"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("证书密码过于简单"),
        "{:?}",
        text(&out)
    );
    let out = run(&[
        "keygen",
        "--alg",
        "sm2",
        "--pin",
        "135790",
        "--label",
        "个人证书",
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    let (stdout, stderr) = text(&out);
    assert!(
        stderr.contains("警告"),
        "the file secret must be announced: {stderr}"
    );
    let id = stdout.trim().to_string();
    let out = run(&["keys"]);
    let (listing, _) = text(&out);
    assert!(
        listing.contains(&id) && listing.contains("tries_left=5"),
        "{listing}"
    );

    // Sign a file and check the signature against a CSR's key with OpenSSL when present.
    let doc = dir.path("doc.txt");
    std::fs::write(&doc, "投标文件").expect("write");
    let sig = dir.path("doc.sig");
    let out = run(&[
        "sign",
        &id,
        "--in",
        s(&doc),
        "--out",
        s(&sig),
        "--pin",
        "135790",
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    let req = dir.path("req.pem");
    let out = run(&["csr", &id, "--cn", "张三", "-o", s(&req), "--pin", "135790"]);
    assert!(out.status.success(), "{:?}", text(&out));
    if have("openssl", "version") {
        let v = Command::new("openssl")
            .args([
                "req",
                "-verify",
                "-noout",
                "-in",
                s(&req),
                "-vfyopt",
                "distid:1234567812345678",
            ])
            .output()
            .expect("openssl");
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
        let pubkey = dir.path("pub.pem");
        let p = Command::new("openssl")
            .args([
                "req",
                "-in",
                s(&req),
                "-pubkey",
                "-noout",
                "-out",
                s(&pubkey),
            ])
            .output()
            .expect("openssl");
        assert!(p.status.success());
        let v = Command::new("openssl")
            .args([
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                s(&pubkey),
                "-rawin",
                "-digest",
                "sm3",
                "-in",
                s(&doc),
                "-sigfile",
                s(&sig),
                "-pkeyopt",
                "distid:1234567812345678",
            ])
            .output()
            .expect("openssl");
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    }

    // Wrong PIN: tries left; change PIN; the old one stops working.
    let out = run(&[
        "sign",
        &id,
        "--in",
        s(&doc),
        "--out",
        s(&sig),
        "--pin",
        "000001",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("还可尝试 4 次"), "{:?}", text(&out));
    let out = run(&[
        "change-pin",
        &id,
        "--old-pin",
        "135790",
        "--new-pin",
        "246802",
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = run(&[
        "sign",
        &id,
        "--in",
        s(&doc),
        "--out",
        s(&sig),
        "--pin",
        "135790",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "sign",
        &id,
        "--in",
        s(&doc),
        "--out",
        s(&sig),
        "--pin",
        "246802",
    ]);
    assert!(out.status.success());
    // The PIN can come on standard input too.
    let mut child = Command::new(MCERT)
        .args(base)
        .args(["sign", &id, "--in", s(&doc), "--out", s(&sig)])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"246802\n").expect("write pin");
    }
    assert!(child.wait_with_output().expect("wait").status.success());
}

#[test]
fn device_without_a_secret_store_says_how_to_proceed() {
    // This test box has no Secret Service on D-Bus; without the opt-in the command refuses.
    let dir = TempDir::new("cli-nostore");
    let out = Command::new(MCERT)
        .args(["device", "--home", s(&dir.path("phone")), "keys"])
        .env("MCERT_LANG", "en")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("run");
    if out.status.success() {
        eprintln!("a system secret store is reachable here; nothing to check");
        return;
    }
    let (_, stderr) = text(&out);
    assert!(stderr.contains("--insecure-file-secret"), "{stderr}");
}

#[test]
fn verify_pdf_refuses_what_is_no_stamped_pdf_without_asking_anyone() {
    let dir = TempDir::new("cli-verify-pdf");
    let junk = dir.0.join("junk.pdf");
    std::fs::write(&junk, b"%PDF-1.7\nnot really a PDF").expect("write");
    // No service runs at this address: the answer comes from the file alone.
    let out = mcert(&[
        "rp",
        "--server",
        "http://127.0.0.1:9",
        "verify-pdf",
        s(&junk),
    ]);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(stderr.contains("无法读取该 PDF"), "{stderr}");
    let missing = dir.0.join("missing.pdf");
    let out = mcert(&["rp", "verify-pdf", s(&missing)]);
    assert!(!out.status.success());
}

#[test]
fn demo_runs_clean() {
    let out = mcert(&["demo"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for expected in [
        "全部 57 步通过",
        "下载变更后的证书",
        "旧手机已无法应答",
        "到期提醒短信",
        "证书延期一年",
        "延期后，最初加密的投标文件仍可扫码解密",
        "两部手机确认码一致",
        "在第三部手机上解密成功",
        "换手机前加密给",
        "在新手机上解密成功",
        "一次扫码两处签章",
        "审核员在控制台审核通过手写签名",
        "文件中 2 个签章全部验证通过",
        "GB/T 38540 签章验证通过",
        "开标成功",
        "单位 CA 授权【已授权】",
        "审核员 李审核 用密码和动态验证码登录审核台",
        "持有人 李工，单位 青海某某建设工程有限公司",
        "证书密码错误，还可尝试 4 次",
        "二维码已过期",
        "【使用记录】共 4 条",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
    let out = mcert(&["demo", "--crypto-only"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("全部 20 步通过"), "{stdout}");
}

#[test]
fn audit_verify_finds_the_broken_link() {
    use mcert_service::authority::{Authority, AuthorityConfig, OperatorKey};
    use mcert_service::store::Store;
    let dir = TempDir::new("cli-audit");
    let url = Store::sqlite_url(&dir.0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = Store::connect(&url).await.expect("store");
        Authority::open_or_bootstrap(
            store.clone(),
            &OperatorKey::generate().expect("key"),
            AuthorityConfig {
                base_url: "http://127.0.0.1:8080".into(),
            },
            std::sync::Arc::new(mcert_core::clock::SystemClock),
            None,
        )
        .await
        .expect("authority");
        store.close().await;
    });
    let out = mcert(&["audit", "verify", "--data-dir", s(&dir.0)]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&out).0.contains("共 4 条事件"), "{:?}", text(&out));
    runtime.block_on(async {
        let store = Store::connect(&url).await.expect("store");
        sqlx::query("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
            .execute(store.pool())
            .await
            .expect("tamper");
        store.close().await;
    });
    let out = mcert(&["audit", "verify", "--database", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).0.contains("第 2 条"), "{:?}", text(&out));
}

#[test]
fn serve_refuses_production_without_a_key_and_runs_in_dev() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = TempDir::new("cli-serve");
    let out = Command::new(MCERT)
        .args([
            "serve",
            "--data-dir",
            s(&dir.path("prod")),
            "--listen",
            "127.0.0.1:0",
        ])
        .env("MCERT_LANG", "zh-CN")
        .env_remove("MCERT_OPERATOR_KEY")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("生产模式需要运营密钥"),
        "{:?}",
        text(&out)
    );

    let mut child = Command::new(MCERT)
        .args([
            "serve",
            "--dev",
            "--data-dir",
            s(&dir.path("dev")),
            "--listen",
            "127.0.0.1:0",
        ])
        .env("MCERT_LANG", "zh-CN")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read");
    let url = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('（').next())
        .expect("listening line");
    let mut stream = std::net::TcpStream::connect(url).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {url}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");
    // SIGTERM: a graceful stop.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{:?}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("开发模式") && stderr.contains("已停止"),
        "{stderr}"
    );
    assert!(dir.path("dev").join("operator.key").exists());
}

/// The whole personal-certificate story from two terminals: `mcert serve --dev` and
/// `mcert device …`.
#[test]
fn device_commands_against_a_running_service() {
    let dir = TempDir::new("cli-online");
    let server = crate::common::DevServer::start(&dir.path("service"), None, None);
    let url = server.url.clone();
    let home = dir.path("phone");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "device",
            "--home",
            s(&home),
            "--insecure-file-secret",
            "--server",
            url.as_str(),
        ];
        args.extend_from_slice(extra);
        mcert(&args)
    };
    let ok = |out: Output| {
        assert!(out.status.success(), "{:?}", text(&out));
        text(&out)
    };
    ok(run(&["login", "--phone", "13612345678", "--dev-outbox"]));
    let out = run(&["order"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("请先完成实名认证"),
        "{:?}",
        text(&out)
    );
    ok(run(&[
        "verify",
        "--name",
        "李四",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "13612345678",
        "--face-token",
        "dev-live-ok",
    ]));
    let (order_id, _) = ok(run(&["order", "--years", "2"]));
    let order_id = order_id.trim().to_string();
    let (paid, _) = ok(run(&["pay", &order_id]));
    assert!(paid.contains("已完成"), "{paid}");
    let (orders, _) = ok(run(&["orders"]));
    assert!(
        orders.contains(&order_id) && orders.contains("200.00 CNY"),
        "{orders}"
    );
    let (installed, _) = ok(run(&["install", "--alg", "p256", "--pin", "135790"]));
    assert!(installed.contains("证书已下载到本机"), "{installed}");
    let (certs, _) = ok(run(&["certs"]));
    assert!(
        certs.contains("p256") && certs.contains("good") && certs.contains("李四"),
        "{certs}"
    );
    let (keys, _) = ok(run(&["keys"]));
    assert!(keys.contains("certificates=1"), "{keys}");
    // 挂失 needs a fresh code; one was sent for the login moments ago, so the service asks
    // to wait (the whole report is tested in the service tests).
    let serial = certs.split_whitespace().next().expect("serial").to_string();
    // A handwritten signature from a photo: the notice first, then a draft submitted for review.
    let seal = |extra: &[&str]| {
        let mut args = vec![
            "seal",
            "--home",
            s(&home),
            "--insecure-file-secret",
            "--server",
            url.as_str(),
        ];
        args.extend_from_slice(extra);
        mcert(&args)
    };
    let photo = dir.path("signature.jpg");
    image::RgbImage::from_fn(900, 450, |x, y| {
        let wave = 225.0 + 70.0 * ((x as f32 - 100.0) / 90.0).sin();
        let ink = (100..800).contains(&x) && (y as f32 - wave).abs() < 4.0;
        image::Rgb(if ink { [30, 40, 130] } else { [245, 243, 238] })
    })
    .save(&photo)
    .expect("photo");
    let picture = dir.path("signature.png");
    let out = seal(&["signature", "--serial", &serial, "-o", s(&picture)]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).0.contains("签章图片告知函"), "{:?}", text(&out));
    let (made, _) = ok(seal(&[
        "signature",
        "--serial",
        &serial,
        "--agree",
        "--handwritten",
        s(&photo),
        "-o",
        s(&picture),
    ]));
    assert!(
        made.contains("手写签名（拍照上传）") && made.contains("待审核"),
        "{made}"
    );
    assert!(image::open(&picture).is_ok_and(|p| p.width() > p.height()));
    let out = run(&["report-lost", &serial, "--dev-outbox"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).1.contains("秒后"), "{:?}", text(&out));
    let out = run(&["install", "--pin", "135790"]);
    assert!(
        text(&out).1.contains("没有待下载的证书"),
        "{:?}",
        text(&out)
    );

    // The scan from a shell: the platform in one terminal (`mcert rp session`, QR redrawn
    // into a PNG every second), the phone in the other (`mcert device scan`).
    let key_file = dir.path("service").join("demo-platform.key");
    let session = |extra: &[&str], png: &Path| {
        let _ = std::fs::remove_file(png);
        let mut args = vec![
            "rp".to_string(),
            "--server".into(),
            url.clone(),
            "--api-key-file".into(),
            s(&key_file).into(),
            "session".into(),
            "--png".into(),
            s(png).into(),
            "--expires-in".into(),
            "60".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let child = Command::new(MCERT)
            .args(&args)
            .env("MCERT_LANG", "zh-CN")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn rp");
        for _ in 0..200 {
            if png.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(png.exists(), "no QR picture");
        child
    };
    let finish = |child: std::process::Child| {
        let out = child.wait_with_output().expect("rp");
        (out.status.success(), text(&out))
    };
    let png = dir.path("qr.png");
    let bidder = dir.path("bidder.pem");
    let rp = session(&["--kind", "login", "--save-cert", s(&bidder)], &png);
    let (shown, _) = ok(run(&["scan", s(&png), "--pin", "135790", "--yes"]));
    assert!(
        shown.contains("请求【扫码登录】") && shown.contains("扫码登录完成（completed）"),
        "{shown}"
    );
    let (done, (stdout, stderr)) = finish(rp);
    assert!(
        done && stdout.contains("结果验证通过") && stdout.contains("李四"),
        "{stdout}{stderr}"
    );
    std::fs::write(dir.path("doc.txt"), "投标文件正文").expect("write");
    let rp = session(
        &[
            "--kind",
            "sign",
            "--document",
            s(&dir.path("doc.txt")),
            "--project",
            "某工程",
        ],
        &png,
    );
    let (shown, _) = ok(run(&["scan", s(&png), "--pin", "135790", "--yes"]));
    assert!(
        shown.contains("项目：某工程") && shown.contains("文件：doc.txt"),
        "{shown}"
    );
    let (done, (stdout, stderr)) = finish(rp);
    assert!(done && stdout.contains("结果验证通过"), "{stdout}{stderr}");
    std::fs::write(dir.path("bid.txt"), "报价 100 万元").expect("write");
    let opening = mcert_core::clock::rfc3339(
        std::time::SystemTime::now() + std::time::Duration::from_secs(30 * 86_400),
    );
    let (_, noted) = ok(mcert(&[
        "rp",
        "--server",
        url.as_str(),
        "--api-key-file",
        s(&key_file),
        "seal",
        "--cert",
        s(&bidder),
        "--in",
        s(&dir.path("bid.txt")),
        "--out",
        s(&dir.path("bid.json")),
        "--opening-at",
        &opening,
    ]));
    assert!(
        noted.contains("已告知服务") && noted.contains("已托管"),
        "{noted}"
    );
    let rp = session(
        &[
            "--kind",
            "decrypt",
            "--sealed",
            s(&dir.path("bid.json")),
            "--out",
            s(&dir.path("opened.txt")),
        ],
        &png,
    );
    ok(run(&["scan", s(&png), "--pin", "135790", "--yes"]));
    let (done, (stdout, stderr)) = finish(rp);
    assert!(done, "{stdout}{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path("opened.txt")).expect("opened"),
        "报价 100 万元"
    );
    // Declined on the phone: the platform learns it, exit code 2.
    let rp = session(&["--kind", "login"], &png);
    let (shown, _) = ok(run(&["scan", s(&png), "--decline"]));
    assert!(shown.contains("已拒绝"), "{shown}");
    let (done, (_, stderr)) = finish(rp);
    assert!(!done && stderr.contains("用户已在手机上拒绝"), "{stderr}");
    // A wrong PIN says how many tries are left.
    let rp = session(&["--kind", "login"], &png);
    let out = run(&["scan", s(&png), "--pin", "000111", "--yes"]);
    assert!(text(&out).1.contains("还可尝试 4 次"), "{:?}", text(&out));
    ok(run(&["scan", s(&png), "--pin", "135790", "--yes"]));
    assert!(finish(rp).0);
    let (usage, _) = ok(run(&["usage"]));
    for expected in [
        "扫码登录\t李四",
        "文件签名\t李四",
        "开标解密\t李四",
        "已拒绝",
    ] {
        assert!(usage.contains(expected), "{expected}: {usage}");
    }
    drop(server);
}

#[test]
fn org_commands_against_a_running_service() {
    let dir = TempDir::new("cli-org");
    let server = crate::common::DevServer::start(&dir.path("service"), None, None);
    let url = server.url.clone();
    let home = dir.path("admin-phone");
    let with = |group: &str, extra: &[&str]| {
        let mut args = vec![
            group,
            "--home",
            s(&home),
            "--insecure-file-secret",
            "--server",
            url.as_str(),
        ];
        args.extend_from_slice(extra);
        mcert(&args)
    };
    let ok = |out: Output| {
        assert!(out.status.success(), "{:?}", text(&out));
        text(&out)
    };
    ok(with(
        "device",
        &["login", "--phone", "13612340001", "--dev-outbox"],
    ));
    ok(with(
        "device",
        &[
            "verify",
            "--name",
            "张经理",
            "--id-number",
            "110101198001010010",
            "--phone",
            "13612340001",
            "--face-token",
            "dev-live-ok",
        ],
    ));
    let out = with(
        "org",
        &[
            "register",
            "--name",
            "某某建设有限公司",
            "--credit-code",
            "91110108MA01ABCD1F",
            "--legal-rep-name",
            "王总",
            "--legal-rep-id-number",
            "110101197511110041",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("统一社会信用代码不正确"),
        "{:?}",
        text(&out)
    );
    let (org, note) = ok(with(
        "org",
        &[
            "register",
            "--name",
            "某某建设有限公司",
            "--credit-code",
            "91110108MA01ABCD1E",
            "--legal-rep-name",
            "王总",
            "--legal-rep-id-number",
            "110101197511110041",
        ],
    ));
    let org = org.trim().to_string();
    assert!(note.contains("证书管理员"), "{note}");
    let letter = dir.path("letter.pdf");
    ok(with("org", &["letter-template", &org, "-o", s(&letter)]));
    assert!(std::fs::read(&letter).expect("pdf").starts_with(b"%PDF-"));
    // Applying before the CA authorisation is refused, in words.
    let out = with("org", &["apply", &org, s(&letter)]);
    assert!(
        text(&out).1.contains("尚未完成 CA 授权"),
        "{:?}",
        text(&out)
    );
    let (status, _) = ok(with(
        "org",
        &[
            "authorise-face",
            &org,
            "--legal-rep-phone",
            "13612340009",
            "--face-token",
            "dev-live-ok",
        ],
    ));
    assert!(status.contains("已授权"), "{status}");
    let (order, placed) = ok(with("org", &["apply", &org, "--years", "2", s(&letter)]));
    assert!(
        placed.contains("600.00") && placed.contains("待审核"),
        "{placed}"
    );
    let (orders, _) = ok(with("org", &["orders", &org]));
    assert!(
        orders.contains(order.trim()) && orders.contains("待审核"),
        "{orders}"
    );
    let (member, _) = ok(with(
        "org",
        &[
            "add-member",
            &org,
            "--name",
            "李工",
            "--id-number",
            "110101198502020022",
            "--phone",
            "13612340002",
        ],
    ));
    let (members, _) = ok(with("org", &["members", &org]));
    assert!(
        members.contains("李工")
            && members.contains("证书使用人")
            && members.contains("136****0002"),
        "{members}"
    );
    ok(with("org", &["set-role", &org, member.trim(), "admin"]));
    let (members, _) = ok(with("org", &["members", &org]));
    assert_eq!(members.matches("证书管理员").count(), 2, "{members}");
    ok(with("org", &["remove-member", &org, member.trim()]));
    let (list, _) = ok(with("org", &["list"]));
    assert!(
        list.contains("某某建设有限公司") && list.contains("已授权"),
        "{list}"
    );
    let (usage, _) = ok(with("org", &["usage", &org, "--operation", "login"]));
    assert!(usage.is_empty(), "{usage}");
    // 变更: the rename goes to review with its material; a second one waits for the first.
    let rename = [
        "change",
        org.as_str(),
        "--name",
        "某某新能源建设有限公司",
        s(&letter),
    ];
    let (_, placed) = ok(with("org", &rename));
    assert!(
        placed.contains("50.00") && placed.contains("待审核"),
        "{placed}"
    );
    let out = with("org", &rename);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("已有一份变更申请"),
        "{:?}",
        text(&out)
    );
    drop(server);
}

/// `POST /v1/dev/clock` of a development service: moves its clock forward.
fn advance_dev_clock(url: &str, seconds: u64) {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://");
    let body = format!("{{\"advance_seconds\": {seconds}}}");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "POST /v1/dev/clock HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

/// 延期 and a move to a new phone from two terminals: the old phone renews in the last three
/// months (pays, then its PIN), shows a move code, and approves once the new phone asked.
#[test]
fn renewal_and_a_move_to_a_new_phone_from_the_shell() {
    use std::io::{BufRead, BufReader};
    let dir = TempDir::new("cli-life");
    let server = crate::common::DevServer::start(&dir.path("service"), None, None);
    let url = server.url.clone();
    let phone = |home: &Path| {
        let home = home.to_path_buf();
        let url = url.clone();
        move |extra: &[&str]| {
            let mut args = vec![
                "device".to_string(),
                "--home".into(),
                s(&home).into(),
                "--insecure-file-secret".into(),
                "--server".into(),
                url.clone(),
            ];
            args.extend(extra.iter().map(|a| a.to_string()));
            args
        }
    };
    let ok = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = mcert(&refs);
        assert!(out.status.success(), "{args:?}: {:?}", text(&out));
        text(&out)
    };
    let old = phone(&dir.path("old"));
    ok(old(&["login", "--phone", "13612345688", "--dev-outbox"]));
    ok(old(&[
        "verify",
        "--name",
        "李四",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "13612345688",
        "--face-token",
        "dev-live-ok",
    ]));
    let (order_id, _) = ok(old(&["order"]));
    ok(old(&["pay", order_id.trim()]));
    ok(old(&["install", "--pin", "135790"]));
    let refs = old(&["renew", "--pin", "135790"]);
    let out = mcert(&refs.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("3 个月"), "{:?}", text(&out));

    // Ten months on (the development clock): renewed for two years with the same key.
    advance_dev_clock(&url, 300 * 86_400);
    ok(old(&["login", "--phone", "13612345688", "--dev-outbox"]));
    let (renewed, paying) = ok(old(&["renew", "--years", "2", "--pin", "135790"]));
    assert!(paying.contains("200.00"), "{paying}");
    assert!(renewed.contains("证书已延期"), "{renewed}");

    // The move: the old phone shows the code and waits; the new phone takes it.
    let new = phone(&dir.path("new"));
    advance_dev_clock(&url, 61);
    ok(new(&["login", "--phone", "13612345688", "--dev-outbox"]));
    let out_args = old(&["move-out", "--pin", "135790"]);
    let mut mover = Command::new(MCERT)
        .args(&out_args)
        .env("MCERT_LANG", "zh-CN")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn move-out");
    let mut lines = BufReader::new(mover.stdout.take().expect("stdout")).lines();
    let code = lines.next().expect("a line").expect("the code");
    assert!(code.starts_with("mcert-move.1."), "{code}");
    let (moved, shown) = ok(new(&["move-in", "--code", &code, "--pin", "246802"]));
    assert!(moved.contains("证书已迁移到本机"), "{moved}");
    assert!(shown.contains("确认码"), "{shown}");
    let done = mover.wait_with_output().expect("move-out ends");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        done.status.success(),
        "{rest:?} {:?}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(rest.iter().any(|l| l.contains("本机已删除")), "{rest:?}");
    let (keys, _) = ok(old(&["keys"]));
    assert!(!keys.contains("certificates="), "{keys}");
    let (certs, _) = ok(new(&["certs"]));
    assert_eq!(certs.matches("good").count(), 1, "{certs}");
}
