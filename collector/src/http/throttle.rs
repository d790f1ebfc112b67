//! Failed token tries, counted per address: after a few, `429 throttled` until the
//! address may try again. Only failures count, so uploads with a good token are never
//! slowed, and one address's failures never touch another's.
//!
//! The counting is [`governor`]'s (GCRA, keyed by address): a failed try takes a cell
//! from its address's quota. The answer to the next try must be known before its token is
//! compared, and governor cannot look without taking a cell, so its verdict is noted the
//! moment the quota runs out (the quota is spent, or governor refuses the failure it was
//! told of) and every try is first checked against that note ([`Throttle::admit`]).
//! Tries already past that check when the quota runs out are still compared: at most as
//! many as the address has requests in flight at that moment.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::DefaultClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// Whose tries are counted together: an IPv4 address, or an IPv6 /64 (one network, which
/// a single host may fill with addresses of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address(IpAddr);

impl Address {
    /// The address `ip` is counted under.
    pub fn of(ip: IpAddr) -> Address {
        match ip {
            IpAddr::V4(v4) => Address(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Address(IpAddr::V4(v4)),
                None => {
                    let network = u128::from(v6) & !((1u128 << 64) - 1);
                    Address(IpAddr::V6(network.into()))
                }
            },
        }
    }
}

type Limiter =
    RateLimiter<Address, DefaultKeyedStateStore<Address>, DefaultClock, StateInformationMiddleware>;

/// Failed token tries per [`Address`]: `burst` at once, then one every `interval`.
pub struct Throttle {
    failures: Limiter,
    /// Addresses whose quota is spent, and when they may try again.
    spent: Mutex<HashMap<Address, Instant>>,
    interval: Duration,
    recorded: AtomicU64,
}

/// Every this many failures, addresses not seen for a while are forgotten.
const FORGET_EVERY: u64 = 1_024;

impl Throttle {
    /// A throttle allowing `burst` failed tries from an address at once, then one every
    /// `interval` (a zero of either is taken as 1 and one second).
    pub fn new(burst: u32, interval: Duration) -> Throttle {
        let interval = if interval.is_zero() {
            Duration::from_secs(1)
        } else {
            interval
        };
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Throttle {
            failures: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            spent: Mutex::new(HashMap::new()),
            interval,
            recorded: AtomicU64::new(0),
        }
    }

    /// Whether a try from `address` may have its token compared now; if not, how long
    /// until it may. Counts nothing.
    pub fn admit(&self, address: Address) -> Result<(), Duration> {
        let now = Instant::now();
        let mut spent = self.spent.lock().unwrap_or_else(|e| e.into_inner());
        match spent.get(&address) {
            Some(&until) if until > now => Err(until - now),
            Some(_) => {
                spent.remove(&address);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Counts a failed try from `address` (no token, or one that is not current).
    pub fn failed(&self, address: Address) {
        let now = Instant::now();
        let until = match self.failures.check_key(&address) {
            // This failure took the last cell: the next is refused for up to an interval.
            Ok(state) if state.remaining_burst_capacity() == 0 => Some(now + self.interval),
            Ok(_) => None,
            Err(not_until) => Some(not_until.earliest_possible().max(now)),
        };
        if let Some(until) = until {
            let mut spent = self.spent.lock().unwrap_or_else(|e| e.into_inner());
            spent.insert(address, until);
        }
        if self.recorded.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.forget_old(now);
        }
    }

    /// Forgets addresses whose quota is whole again and whose wait is over.
    fn forget_old(&self, now: Instant) {
        self.failures.retain_recent();
        self.failures.shrink_to_fit();
        let mut spent = self.spent.lock().unwrap_or_else(|e| e.into_inner());
        spent.retain(|_, until| *until > now);
        spent.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Address {
        Address::of(text.parse().unwrap())
    }

    #[test]
    fn the_burst_is_allowed_then_the_address_waits() {
        let throttle = Throttle::new(3, Duration::from_secs(60));
        let one = ip("127.0.0.2");
        for _ in 0..3 {
            assert!(throttle.admit(one).is_ok());
            throttle.failed(one);
        }
        let wait = throttle.admit(one).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(
            throttle.admit(ip("127.0.0.3")).is_ok(),
            "another address is untouched"
        );
    }

    #[test]
    fn the_address_may_try_again_after_the_interval() {
        let throttle = Throttle::new(1, Duration::from_millis(50));
        let one = ip("10.1.2.3");
        throttle.failed(one);
        assert!(throttle.admit(one).is_err());
        std::thread::sleep(Duration::from_millis(60));
        assert!(throttle.admit(one).is_ok());
    }

    #[test]
    fn admitting_counts_nothing() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let one = ip("10.1.2.3");
        for _ in 0..100 {
            assert!(throttle.admit(one).is_ok(), "successes are never counted");
        }
    }

    #[test]
    fn an_ipv6_network_is_one_address_and_mapped_ipv4_is_ipv4() {
        assert_eq!(ip("2001:db8:1:2::1"), ip("2001:db8:1:2:ffff::9"));
        assert_ne!(ip("2001:db8:1:2::1"), ip("2001:db8:1:3::1"));
        assert_eq!(ip("::ffff:192.0.2.1"), ip("192.0.2.1"));
    }
}
