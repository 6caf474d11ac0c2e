//! Injected time, so expiry, renewal windows and animated QR codes are testable without sleeping.

use std::fmt::Debug;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// A source of the current time.
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    pub fn new(start: SystemTime) -> Self {
        ManualClock(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }

    pub fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A clock that can be moved forward: the tests' [`ManualClock`], and a development
/// service's [`OffsetClock`] (to show renewal windows and reminders without waiting months).
pub trait AdjustableClock: Clock {
    fn advance(&self, by: Duration);
}

impl AdjustableClock for ManualClock {
    fn advance(&self, by: Duration) {
        ManualClock::advance(self, by);
    }
}

/// The operating system's clock, moved forward by an offset (development services only).
#[derive(Debug, Default)]
pub struct OffsetClock(Mutex<Duration>);

impl Clock for OffsetClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl AdjustableClock for OffsetClock {
    fn advance(&self, by: Duration) {
        let mut offset = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *offset = offset.saturating_add(by);
    }
}

/// Milliseconds since the Unix epoch (0 for times before it).
pub fn unix_millis(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The time `ms` milliseconds after the Unix epoch.
pub fn from_unix_millis(ms: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// RFC 3339 UTC text of a time, to the second (e.g. `2026-11-23T08:00:00Z`).
pub fn rfc3339(t: SystemTime) -> String {
    match der::DateTime::from_system_time(t) {
        Ok(dt) => dt.to_string(),
        Err(_) => "invalid-time".to_string(),
    }
}

/// Reads `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time with any offset
/// (`2026-11-23T08:00:00Z`, `2026-11-23T16:00:00+08:00`, `…-05:30`); fractions of a second
/// are allowed and dropped. The result is the instant, so output written with [`rfc3339`]
/// is always UTC `Z`.
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let num = |s: &str| -> Option<u16> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (date, time) = match text.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut d = date.split('-');
    let (year, month, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if d.next().is_some() || date.len() != 10 {
        return None;
    }
    // Seconds east of UTC.
    let mut offset: i64 = 0;
    let (hour, minute, second) = match time {
        None => (0, 0, 0),
        Some(t) => {
            let t = match t.strip_suffix(['Z', 'z']) {
                Some(utc) => utc,
                None => {
                    // `±HH:MM` closes the text.
                    let split = t.len().checked_sub(6)?;
                    let (local, zone) = (t.get(..split)?, t.get(split..)?);
                    let sign = match zone.as_bytes().first() {
                        Some(b'+') => 1,
                        Some(b'-') => -1,
                        _ => return None,
                    };
                    let (h, m) = zone.get(1..)?.split_once(':')?;
                    let (h, m) = (num(h)?, num(m)?);
                    if h > 23 || m > 59 || zone.len() != 6 {
                        return None;
                    }
                    offset = sign * (i64::from(h) * 3600 + i64::from(m) * 60);
                    local
                }
            };
            let t = match t.split_once('.') {
                Some((whole, fraction)) => {
                    num(fraction)?;
                    whole
                }
                None => t,
            };
            let mut parts = t.split(':');
            let h = num(parts.next()?)?;
            let m = num(parts.next()?)?;
            let s = num(parts.next()?)?;
            if parts.next().is_some() || t.len() != 8 {
                return None;
            }
            (h, m, s)
        }
    };
    let dt = der::DateTime::new(
        year,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    let local = dt.to_system_time();
    let shift = Duration::from_secs(offset.unsigned_abs());
    if offset >= 0 {
        local.checked_sub(shift)
    } else {
        local.checked_add(shift)
    }
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_and_dates() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
        assert_eq!(
            parse_rfc3339("2026-11-23"),
            parse_rfc3339("2026-11-23T00:00:00Z")
        );
        assert!(parse_rfc3339("2026-11-23T00:00:00.250Z").is_some());
        for bad in [
            "",
            "2026-13-01",
            "2026-11-23T25:00:00Z",
            "2026-11-23T00:00:00",
            "2026-11-23T00:00:00+8:00",
            "2026-11-23T00:00:00+08:60",
            "2026-11-23T00:00:00+24:00",
            "2026-11-23T00:00:00 08:00",
            "2026-11-23T00:00:00+0800",
            "2026-11-23T00:00:00.Z",
            "x",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_offsets_name_the_same_instant_and_print_as_utc() {
        let utc = parse_rfc3339("2026-11-23T00:00:00Z").expect("utc");
        for text in [
            "2026-11-23T08:00:00+08:00",
            "2026-11-23T08:00:00.999+08:00",
            "2026-11-22T19:00:00-05:00",
            "2026-11-23T05:30:00+05:30",
            "2026-11-23T00:00:00+00:00",
            "2026-11-23T00:00:00-00:00",
            "2026-11-23t08:00:00+08:00",
        ] {
            assert_eq!(parse_rfc3339(text), Some(utc), "{text}");
        }
        assert_eq!(
            rfc3339(parse_rfc3339("2026-11-23T08:00:00+08:00").expect("t")),
            "2026-11-23T00:00:00Z"
        );
    }
}
