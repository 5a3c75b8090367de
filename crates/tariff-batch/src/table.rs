//! The memo's hash table: open addressing with linear probing, one key and its first
//! [`INLINE`] periods per slot, and a slot's address computable from the key's hash alone so
//! that a row's slot can be fetched into the cache a few rows before it is looked up
//! ([`Published::prefetch`]).
//!
//! Why not `std`'s map: a batch looks up one key per row in a memo of tens of megabytes, and
//! the lookups were its largest cost — a cache miss on the map's control bytes, one on the
//! slot and one on the periods spilled out of it, each waiting on the last. Here the slot
//! holds the periods (most keys have fewer than [`INLINE`]), its place is the top bits of the
//! hash, and the table's address and size are published (atomically) apart from the lock
//! that guards it, so a prefetch needs no lock.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

/// Values kept in the slot itself; more spill to the heap.
pub(crate) const INLINE: usize = 8;

/// One key and its values. Empty while `key` is `None`.
#[repr(align(64))]
pub(crate) struct Slot<K, V> {
    /// The key's full hash (compared before the key).
    tag: u64,
    key: Option<K>,
    len: u8,
    inline: [V; INLINE],
    spill: Vec<V>,
}

impl<K, V: Copy> Slot<K, V> {
    /// The values kept in the slot itself, and where the others are (to prefetch).
    pub(crate) fn inline_and_spilled(&self) -> (&[V], &[V]) {
        (
            &self.inline[..usize::from(self.len).min(INLINE)],
            &self.spill,
        )
    }

    /// The key's values, in insertion order.
    pub(crate) fn values(&self) -> impl Iterator<Item = V> + '_ {
        let (inline, spilled) = self.inline_and_spilled();
        inline.iter().chain(spilled).copied()
    }

    /// Appends a value.
    pub(crate) fn push(&mut self, v: V) {
        let n = usize::from(self.len);
        if n < INLINE {
            self.inline[n] = v;
            self.len += 1;
        } else {
            self.spill.push(v);
        }
    }
}

/// A table of keys and their values. `V::default()` fills unused inline places.
pub(crate) struct Table<K, V> {
    slots: Vec<Slot<K, V>>,
    /// `slots.len() == 1 << bits`.
    bits: u32,
    len: usize,
}

/// Where a table's slots are, published for prefetching without its lock.
#[derive(Default)]
pub(crate) struct Published {
    address: AtomicUsize,
    bits: AtomicU32,
}

/// The slot a hash starts probing at in a table of `1 << bits` slots: the hash's top bits.
fn home(hash: u64, bits: u32) -> usize {
    (hash >> (64 - bits)) as usize
}

impl Published {
    fn set<K, V>(&self, t: &Table<K, V>) {
        self.address
            .store(t.slots.as_ptr() as usize, Ordering::Relaxed);
        self.bits.store(t.bits, Ordering::Relaxed);
    }

    /// Asks the processor to bring the slot a key with this hash starts probing at into the
    /// cache. Reads nothing: the address may be stale (the table grown or cleared since),
    /// which costs a useless fetch and nothing else.
    #[inline]
    pub(crate) fn prefetch<K, V>(&self, hash: u64) {
        let address = self.address.load(Ordering::Relaxed);
        let bits = self.bits.load(Ordering::Relaxed);
        if address == 0 || bits == 0 {
            return;
        }
        let at = address.wrapping_add(home(hash, bits).wrapping_mul(size_of::<Slot<K, V>>()));
        for line in (0..size_of::<Slot<K, V>>()).step_by(64) {
            prefetch::<false>(std::ptr::without_provenance(at.wrapping_add(line)));
        }
    }
}

/// A prefetch hint for the cache line at `p`; `WRITE` when the line is about to be written
/// (PREFETCHW: it comes exclusive, not shared, so that the write does not ask for it again).
#[inline]
#[allow(unsafe_code)]
pub(crate) fn prefetch<const WRITE: bool>(p: *const i8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that reads no memory into the program and never faults,
    // whatever the address (the target's baseline has SSE; a processor without PREFETCHW
    // treats it as a no-op).
    unsafe {
        use std::arch::x86_64::{_MM_HINT_ET0, _MM_HINT_T0, _mm_prefetch};
        if WRITE {
            _mm_prefetch::<_MM_HINT_ET0>(p);
        } else {
            _mm_prefetch::<_MM_HINT_T0>(p);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl<K: Copy + Eq, V: Copy + Default> Table<K, V> {
    /// An empty table of `1 << bits` slots, published.
    pub(crate) fn new(bits: u32, published: &Published) -> Self {
        let t = Table {
            slots: (0..1usize << bits).map(|_| Self::empty()).collect(),
            bits,
            len: 0,
        };
        published.set(&t);
        t
    }

    fn empty() -> Slot<K, V> {
        Slot {
            tag: 0,
            key: None,
            len: 0,
            inline: [V::default(); INLINE],
            spill: Vec::new(),
        }
    }

    /// Where `key` (whose hash is `hash`) is: `Ok` at its slot, or `Err` at the empty slot
    /// its probe ended on.
    #[inline]
    fn probe(&self, hash: u64, key: &K) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = home(hash, self.bits);
        loop {
            let s = &self.slots[i];
            match &s.key {
                None => return Err(i),
                Some(k) if s.tag == hash && k == key => return Ok(i),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// The slot of `key` (whose hash is `hash`), if present.
    #[inline]
    pub(crate) fn get(&self, hash: u64, key: &K) -> Option<&Slot<K, V>> {
        self.probe(hash, key).ok().map(|i| &self.slots[i])
    }

    /// The most keys a table of `1 << bits` slots holds before it grows.
    pub(crate) fn capacity(bits: u32) -> usize {
        (1usize << bits) * 7 / 10
    }

    /// The slot of `key`, inserted empty when absent (the table grows, and is published
    /// again, beyond seven tenths full).
    pub(crate) fn entry(&mut self, hash: u64, key: K, published: &Published) -> &mut Slot<K, V> {
        if self.len + 1 > Self::capacity(self.bits) {
            self.grow(published);
        }
        match self.probe(hash, &key) {
            Ok(i) => &mut self.slots[i],
            Err(i) => {
                self.len += 1;
                let s = &mut self.slots[i];
                s.tag = hash;
                s.key = Some(key);
                s
            }
        }
    }

    fn grow(&mut self, published: &Published) {
        let bits = self.bits + 1;
        let old = std::mem::replace(
            &mut self.slots,
            (0..1usize << bits).map(|_| Self::empty()).collect(),
        );
        self.bits = bits;
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.key.is_some()) {
            let mut i = home(s.tag, bits);
            while self.slots[i].key.is_some() {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
        published.set(self);
    }

    /// Empties the table, keeping its size.
    pub(crate) fn clear(&mut self) {
        for s in &mut self.slots {
            if s.key.is_some() {
                *s = Self::empty();
            }
        }
        self.len = 0;
    }

    /// Keys held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::{INLINE, Published, Table};
    use std::collections::HashMap;

    /// The table holds what a `HashMap` of vectors holds, through growth, colliding homes
    /// (hashes sharing their top bits), spills past the inline places, and clearing.
    #[test]
    fn table_is_a_map_of_lists() {
        let published = Published::default();
        let mut t: Table<u32, u16> = Table::new(2, &published);
        let mut model: HashMap<u32, Vec<u16>> = HashMap::new();
        let mut next = crate::testing::splitmix(3);
        // Keys 0..600; hash: few distinct top bits for many keys (long probe runs), never 0.
        let hash = |k: u32| (u64::from(k % 7) << 61) | u64::from(k) | 1;
        for round in 0..3 {
            for _ in 0..20_000 {
                let k = (next() % 600) as u32;
                let v = (next() % 1000) as u16;
                t.entry(hash(k), k, &published).push(v);
                model.entry(k).or_default().push(v);
            }
            assert_eq!(t.len(), model.len());
            for k in 0..700u32 {
                let got: Option<Vec<u16>> = t.get(hash(k), &k).map(|s| s.values().collect());
                assert_eq!(got.as_ref(), model.get(&k), "round {round}, key {k}");
            }
            assert!(model.values().any(|v| v.len() > INLINE));
            // Prefetching any hash of the published table, or of none, is harmless.
            for k in 0..700u32 {
                published.prefetch::<u32, u16>(hash(k));
            }
            Published::default().prefetch::<u32, u16>(1);
            t.clear();
            model.clear();
            assert_eq!(t.len(), 0);
            assert!(t.get(hash(1), &1).is_none());
        }
    }
}
