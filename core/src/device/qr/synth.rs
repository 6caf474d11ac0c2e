//! A reproducible set of synthetic camera frames for measuring QR decoding: codes with 60–90
//! byte payloads at EC level M, 2.5–8 px per module, rotated 0–45°, tilted in perspective,
//! blurred (Gaussian σ ≤ 2), noisy, low in contrast, some through JPEG; plus frames without any
//! code. Used by the decoding tests and the benchmark.
//!
//! In [`test_set`] every frame has a random module size and rotation, and each of the other
//! distortions (tilt, blur, noise, low contrast, JPEG) is applied with probability ½ over its
//! whole range, so each is well represented alone and in combination. [`stress_set`] applies
//! all of them to every frame, the corner where a phone user would be asked to move closer.

/// One synthetic frame.
#[derive(Clone, Debug)]
pub struct Sample {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
    /// The payload, or `None` for a frame without a code.
    pub payload: Option<String>,
    /// What was done to the frame, for reports.
    pub description: String,
}

/// A small, seedable PRNG (xorshift64*), so every run draws the same set.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// Payload in the shape of an mcert scan code, `len` bytes long.
fn payload(rng: &mut Rng, len: usize) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    const B32: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut s = String::from("mcert.");
    for _ in 0..26 {
        s.push(B32[rng.below(32)] as char);
    }
    s.push_str(&format!(".{}.", rng.below(120)));
    while s.len() < len {
        s.push(HEX[rng.below(16)] as char);
    }
    s.truncate(len);
    s
}

/// Solves the 8×8 system for the homography mapping `from[i]` to `to[i]`.
fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<[f64; 9]> {
    let mut a = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = from[i];
        let (u, v) = to[i];
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for i in 0..8 {
        h[i] = a[i][8] / a[i][i];
    }
    h[8] = 1.0;
    Some(h)
}

fn gaussian_blur(pixels: &mut [f64], w: usize, h: usize, sigma: f64) {
    if sigma < 0.3 {
        return;
    }
    let radius = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f64 = kernel.iter().sum();
    let kernel: Vec<f64> = kernel.iter().map(|k| k / sum).collect();
    let mut tmp = vec![0f64; pixels.len()];
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, wgt) in kernel.iter().enumerate() {
                let xx = (x as isize + k as isize - radius).clamp(0, w as isize - 1) as usize;
                acc += wgt * pixels[y * w + xx];
            }
            tmp[y * w + x] = acc;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, wgt) in kernel.iter().enumerate() {
                let yy = (y as isize + k as isize - radius).clamp(0, h as isize - 1) as usize;
                acc += wgt * tmp[yy * w + x];
            }
            pixels[y * w + x] = acc;
        }
    }
}

fn jpeg_round_trip(pixels: &[u8], w: usize, h: usize, quality: u8) -> Option<Vec<u8>> {
    let img = image::GrayImage::from_raw(w as u32, h as u32, pixels.to_vec())?;
    let mut buf = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality);
    img.write_with_encoder(enc).ok()?;
    let back = image::load_from_memory(&buf).ok()?.to_luma8();
    Some(back.into_raw())
}

/// Draws a background: a gradient with some rectangles and stripes (a page, a desk).
fn background(rng: &mut Rng, w: usize, h: usize) -> Vec<f64> {
    let base = rng.range(90.0, 230.0);
    let gx = rng.range(-40.0, 40.0);
    let gy = rng.range(-40.0, 40.0);
    let mut px = vec![0f64; w * h];
    for y in 0..h {
        for x in 0..w {
            px[y * w + x] = base + gx * x as f64 / w as f64 + gy * y as f64 / h as f64;
        }
    }
    for _ in 0..rng.below(12) {
        let (x0, y0) = (rng.below(w), rng.below(h));
        let (rw, rh) = (rng.below(w / 3) + 4, rng.below(h / 6) + 2);
        let shade = rng.range(20.0, 250.0);
        for y in y0..(y0 + rh).min(h) {
            for x in x0..(x0 + rw).min(w) {
                px[y * w + x] = shade;
            }
        }
    }
    px
}

/// Parameters of one positive sample.
#[derive(Clone, Copy, Debug)]
pub struct Distortion {
    pub px_per_module: f64,
    pub rotation_deg: f64,
    /// Relative shortening of one side (0 = square-on).
    pub tilt: f64,
    pub blur_sigma: f64,
    pub noise_sigma: f64,
    /// Light minus dark level.
    pub contrast: f64,
    pub jpeg_quality: Option<u8>,
}

/// Renders `text` into a `w`×`h` frame with the given distortion.
pub fn render(rng: &mut Rng, text: &str, w: usize, h: usize, d: &Distortion) -> Option<Vec<u8>> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 4.0;
    let total = n as f64 + 2.0 * quiet;
    let side = total * d.px_per_module;

    let mut px = background(rng, w, h);
    let light = rng.range(150.0 + d.contrast / 4.0, 255.0).min(255.0);
    let dark = (light - d.contrast).max(0.0);

    // Destination quad: a rotated square, one side shortened for the tilt.
    let theta = d.rotation_deg.to_radians();
    let half_diag = side * std::f64::consts::FRAC_1_SQRT_2 * (1.0 + d.tilt);
    let margin = half_diag + 4.0;
    if 2.0 * margin >= w as f64 || 2.0 * margin >= h as f64 {
        return None;
    }
    let cx = rng.range(margin, w as f64 - margin);
    let cy = rng.range(margin, h as f64 - margin);
    let s2 = side / 2.0;
    let corners = [(-s2, -s2), (s2, -s2), (s2, s2), (-s2, s2)];
    let squeeze = [1.0 - d.tilt, 1.0 - d.tilt, 1.0 + d.tilt, 1.0 + d.tilt];
    let mut dst = [(0f64, 0f64); 4];
    for i in 0..4 {
        let (x, y) = (corners[i].0 * squeeze[i], corners[i].1);
        dst[i] = (
            cx + x * theta.cos() - y * theta.sin(),
            cy + x * theta.sin() + y * theta.cos(),
        );
    }
    let src = [(0.0, 0.0), (total, 0.0), (total, total), (0.0, total)];
    // Maps frame pixels back to module coordinates.
    let hm = homography(dst, src)?;

    let (min_x, max_x) = dst
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (min_y, max_y) = dst
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let module = |u: f64, v: f64| -> f64 {
        if u < 0.0 || v < 0.0 || u >= total || v >= total {
            return -1.0;
        }
        let (mx, my) = ((u - quiet).floor(), (v - quiet).floor());
        if mx < 0.0 || my < 0.0 || mx >= n as f64 || my >= n as f64 {
            return light;
        }
        if colors[my as usize * n + mx as usize] == qrcode::Color::Dark {
            dark
        } else {
            light
        }
    };
    for y in (min_y.floor().max(0.0) as usize)..(max_y.ceil() as usize).min(h) {
        for x in (min_x.floor().max(0.0) as usize)..(max_x.ceil() as usize).min(w) {
            // 2×2 supersampling for anti-aliased edges.
            let mut acc = 0.0;
            let mut hits = 0;
            for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let (fx, fy) = (x as f64 + ox, y as f64 + oy);
                let z = hm[6] * fx + hm[7] * fy + hm[8];
                let u = (hm[0] * fx + hm[1] * fy + hm[2]) / z;
                let v = (hm[3] * fx + hm[4] * fy + hm[5]) / z;
                let value = module(u, v);
                if value >= 0.0 {
                    acc += value;
                    hits += 1;
                }
            }
            if hits > 0 {
                let cover = hits as f64 / 4.0;
                px[y * w + x] = px[y * w + x] * (1.0 - cover) + (acc / hits as f64) * cover;
            }
        }
    }
    gaussian_blur(&mut px, w, h, d.blur_sigma);
    let mut out: Vec<u8> = px
        .iter()
        .map(|p| (p + d.noise_sigma * rng.normal()).round().clamp(0.0, 255.0) as u8)
        .collect();
    if let Some(q) = d.jpeg_quality {
        out = jpeg_round_trip(&out, w, h, q)?;
    }
    Some(out)
}

/// A frame with no code: background, clutter and noise.
pub fn negative(rng: &mut Rng, w: usize, h: usize) -> Vec<u8> {
    let mut px = background(rng, w, h);
    // Checkerboard-like clutter that could tempt a finder-pattern detector.
    for _ in 0..rng.below(6) {
        let size = rng.below(40) + 6;
        let (x0, y0) = (rng.below(w - size), rng.below(h - size));
        for y in 0..size {
            for x in 0..size {
                let dark = ((x / 3) + (y / 3)) % 2 == 0;
                px[(y0 + y) * w + x0 + x] = if dark { 30.0 } else { 220.0 };
            }
        }
    }
    gaussian_blur(&mut px, w, h, rng.range(0.0, 1.5));
    let noise = rng.range(0.0, 10.0);
    px.iter()
        .map(|p| (p + noise * rng.normal()).round().clamp(0.0, 255.0) as u8)
        .collect()
}

impl Distortion {
    /// Draws a distortion; with `all_at_once` every optional distortion is applied.
    pub fn draw(rng: &mut Rng, all_at_once: bool) -> Distortion {
        let apply = |rng: &mut Rng| all_at_once || rng.unit() < 0.5;
        let px_per_module = rng.range(2.5, 8.0);
        let rotation_deg = rng.range(0.0, 45.0);
        let tilt = if apply(rng) {
            rng.range(0.03, 0.15)
        } else {
            0.0
        };
        let blur_sigma = if apply(rng) { rng.range(0.5, 2.0) } else { 0.0 };
        let noise_sigma = if apply(rng) {
            rng.range(2.0, 12.0)
        } else {
            0.0
        };
        let contrast = if apply(rng) {
            rng.range(60.0, 120.0)
        } else {
            rng.range(150.0, 230.0)
        };
        let jpeg_quality = if apply(rng) {
            Some(40 + rng.below(51) as u8)
        } else {
            None
        };
        Distortion {
            px_per_module,
            rotation_deg,
            tilt,
            blur_sigma,
            noise_sigma,
            contrast,
            jpeg_quality,
        }
    }
}

fn build(seed: u64, positives: usize, negatives: usize, all_at_once: bool) -> Vec<Sample> {
    let (w, h) = (1280, 720);
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(positives + negatives);
    while out.len() < positives {
        let len = 60 + rng.below(31);
        let text = payload(&mut rng, len);
        let d = Distortion::draw(&mut rng, all_at_once);
        if let Some(pixels) = render(&mut rng, &text, w, h, &d) {
            out.push(Sample {
                width: w,
                height: h,
                pixels,
                payload: Some(text),
                description: format!("{d:?}"),
            });
        }
    }
    for _ in 0..negatives {
        out.push(Sample {
            width: w,
            height: h,
            pixels: negative(&mut rng, w, h),
            payload: None,
            description: "no code".into(),
        });
    }
    out
}

/// The standard test set: `positives` frames with codes and `negatives` without, 1280×720.
pub fn test_set(seed: u64, positives: usize, negatives: usize) -> Vec<Sample> {
    build(seed, positives, negatives, false)
}

/// Every distortion on every frame (reported separately by the benchmark).
pub fn stress_set(seed: u64, positives: usize) -> Vec<Sample> {
    build(seed, positives, 0, true)
}
