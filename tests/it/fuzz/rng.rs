//! The fuzzer's own random numbers (test code only; the library's draws are effekt-resample's):
//! SplitMix64 (Steele, Lea & Flood 2014), so an input is a pure function of (seed, target,
//! iteration) and can be replayed from the log.

/// SplitMix64 generator.
pub struct Rng(u64);

impl Rng {
    /// The generator for iteration `iter` of `target` under `seed`.
    pub fn for_input(seed: u64, target: &str, iter: u64) -> Self {
        let mut h = 0xcbf2_9ce4_8422_2325_u64; // FNV-1a of the target name
        for b in target.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let mut r = Rng(seed ^ h ^ iter.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0; 0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A uniformly chosen element (`items` non-empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A length that is usually small and sometimes large: 1..=max, log-uniform.
    pub fn len(&mut self, max: usize) -> usize {
        let bits = usize::BITS - max.max(1).leading_zeros();
        let b = self.below(bits as usize + 1) as u32;
        1 + self.below((1usize << b).min(max.max(1)))
    }
}
