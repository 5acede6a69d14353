//! The built-in datasets, generated from a seed.

use nn::data::{self, Dataset};
use nn::rand::Rng;
use tape::Tensor;

/// A dataset generated in code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// Two interleaving half circles, noise 0.15 (binary).
    Moons,
    /// Noisy copies of the four XOR corners, noise 0.15 (binary).
    Xor,
    /// Two concentric circles, radii 1 and 0.5, noise 0.1 (binary).
    Circles,
    /// `sin x` on `[-π, π]` plus noise 0.1 (regression).
    Sine,
}

/// The names `--data` accepts for built-in datasets.
pub const NAMES: [&str; 4] = ["moons", "xor", "circles", "sine"];

impl Builtin {
    /// The dataset called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Builtin> {
        match name {
            "moons" => Some(Builtin::Moons),
            "xor" => Some(Builtin::Xor),
            "circles" => Some(Builtin::Circles),
            "sine" => Some(Builtin::Sine),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Moons => "moons",
            Builtin::Xor => "xor",
            Builtin::Circles => "circles",
            Builtin::Sine => "sine",
        }
    }

    /// The names of its features.
    pub fn features(self) -> Vec<String> {
        match self {
            Builtin::Sine => vec!["x".into()],
            _ => vec!["x1".into(), "x2".into()],
        }
    }

    /// The name of its target.
    pub fn target(self) -> &'static str {
        match self {
            Builtin::Sine => "y",
            _ => "label",
        }
    }

    /// `n` examples drawn with `rng`.
    pub fn generate<R: Rng + ?Sized>(self, n: usize, rng: &mut R) -> Dataset<f32> {
        match self {
            Builtin::Moons => data::two_moons(n, 0.15, rng),
            Builtin::Circles => data::circles(n, 0.1, 0.5, rng),
            Builtin::Sine => data::noisy_sine(n, 0.1, rng),
            Builtin::Xor => noisy_xor(n, 0.15, rng),
        }
    }
}

/// `n` points: example `i` is XOR corner `i % 4` plus Gaussian noise of
/// standard deviation `noise` on each coordinate, labelled like its corner.
fn noisy_xor<R: Rng + ?Sized>(n: usize, noise: f32, rng: &mut R) -> Dataset<f32> {
    let corners = data::xor::<f32>();
    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % 4;
        for j in 0..2 {
            let jitter: f32 = Tensor::<f32>::randn([1], rng).data()[0] * noise;
            x.push(corners.x.data()[2 * c + j] + jitter);
        }
        y.push(corners.y.data()[c]);
    }
    Dataset::new(Tensor::from_vec(x, [n, 2]), Tensor::from_vec(y, [n, 1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nn::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn every_name_round_trips_and_generates_its_shape() {
        for name in NAMES {
            let b = Builtin::from_name(name).unwrap();
            assert_eq!(b.name(), name);
            let d = b.generate(40, &mut StdRng::seed_from_u64(1));
            assert_eq!(d.x.dims(), &[40, b.features().len()]);
            assert_eq!(d.y.dims(), &[40, 1]);
        }
        assert_eq!(Builtin::from_name("iris"), None);
    }

    #[test]
    fn noisy_xor_points_sit_near_their_corner_with_its_label() {
        let corners = data::xor::<f32>();
        let d = noisy_xor(400, 0.15, &mut StdRng::seed_from_u64(3));
        let mut spread = 0.0;
        for i in 0..400 {
            let c = i % 4;
            assert_eq!(d.y.data()[i], corners.y.data()[c], "point {i}");
            for j in 0..2 {
                let off = d.x.data()[2 * i + j] - corners.x.data()[2 * c + j];
                assert!(
                    off.abs() < 0.9,
                    "point {i}: {off} from its corner (6 sigma)"
                );
                spread += off * off;
            }
        }
        // The sample standard deviation of the noise is about 0.15.
        let std = (spread / 800.0).sqrt();
        assert!((std - 0.15).abs() < 0.02, "{std}");
    }
}
