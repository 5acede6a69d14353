//! The built-in datasets and mini-batching.

use nn::data::{circles, noisy_sine, two_moons, xor};
use nn::rand::{rngs::StdRng, SeedableRng};

#[test]
fn xor_is_the_truth_table() {
    let d = xor::<f32>();
    assert_eq!(d.x.data(), &[0., 0., 0., 1., 1., 0., 1., 1.]);
    assert_eq!(d.y.data(), &[0., 1., 1., 0.]);
}

#[test]
fn noiseless_moons_lie_on_their_half_circles() {
    let d = two_moons::<f64, _>(100, 0.0, &mut StdRng::seed_from_u64(0));
    assert_eq!(d.x.dims(), &[100, 2]);
    for i in 0..100 {
        let (x, y, label) = (d.x.get(&[i, 0]), d.x.get(&[i, 1]), d.y.get(&[i, 0]));
        let (cx, cy, sign) = if label == 0.0 {
            (0.0, 0.0, 1.0)
        } else {
            (1.0, 0.5, -1.0)
        };
        assert!(((x - cx).hypot(y - cy) - 1.0).abs() < 1e-12);
        assert!(sign * (y - cy) >= -1e-12); // upper half for moon 0, lower for moon 1
    }
    assert_eq!(d.y.data().iter().filter(|&&l| l == 1.0).count(), 50);
}

#[test]
fn noiseless_circles_have_their_radii() {
    let d = circles::<f64, _>(60, 0.0, 0.3, &mut StdRng::seed_from_u64(0));
    for i in 0..60 {
        let r = d.x.get(&[i, 0]).hypot(d.x.get(&[i, 1]));
        let expected = if d.y.get(&[i, 0]) == 0.0 { 1.0 } else { 0.3 };
        assert!((r - expected).abs() < 1e-12);
    }
}

#[test]
fn noiseless_sine_is_the_sine() {
    let d = noisy_sine::<f64, _>(50, 0.0, &mut StdRng::seed_from_u64(0));
    for i in 0..50 {
        let x = d.x.get(&[i, 0]);
        assert!((-std::f64::consts::PI..std::f64::consts::PI).contains(&x));
        assert_eq!(d.y.get(&[i, 0]), x.sin());
    }
}

#[test]
fn batches_cover_every_example_once_in_a_seeded_order() {
    let d = two_moons::<f64, _>(23, 0.1, &mut StdRng::seed_from_u64(0));
    let order = |seed: u64| {
        let mut rows = vec![];
        for b in d.batches(5, Some(&mut StdRng::seed_from_u64(seed))) {
            assert!(b.len() <= 5);
            for i in 0..b.len() {
                rows.push((b.x.get(&[i, 0]).to_bits(), b.y.get(&[i, 0]).to_bits()));
            }
        }
        rows
    };
    let a = order(1);
    assert_eq!(a, order(1));
    assert_ne!(a, order(2));
    let mut sorted = a.clone();
    sorted.sort();
    let mut all: Vec<_> = (0..23)
        .map(|i| (d.x.get(&[i, 0]).to_bits(), d.y.get(&[i, 0]).to_bits()))
        .collect();
    all.sort();
    assert_eq!(sorted, all);
    let unshuffled: Vec<usize> = d.batches::<StdRng>(10, None).map(|b| b.len()).collect();
    assert_eq!(unshuffled, [10, 10, 3]);
}
