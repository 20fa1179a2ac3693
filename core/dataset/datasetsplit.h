#pragma once

#include <QVector>

#include <cstdint>

namespace graft {

/** Indices into a dataset's samples: which train and which validate. Both ascending. */
struct DatasetSplit
{
    QVector<int> train;
    QVector<int> validation;
};

/**
 * A stratified, seeded train/validation split: each class keeps its share of
 * validation samples (round(count × fraction), at least one and never all of a
 * class with two or more samples). The same labels, fraction and seed give the
 * same split on every platform (own shuffle, no std distributions).
 */
DatasetSplit stratifiedSplit(const QVector<int> &labels, double validationFraction, std::uint64_t seed);

/** A small deterministic generator (splitmix64) and a bias-free bounded draw, shared by split and augmentation. */
class SeededRandom final
{
public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) { }
    std::uint64_t next();
    /** Uniform in [0, bound); bound > 0. */
    std::uint64_t below(std::uint64_t bound);
    /** Uniform in [0, 1). */
    double uniform();
    /** Standard normal (Box–Muller). */
    double normal();

    /** A seed derived from a base seed and up to two indices (epoch, sample). */
    static std::uint64_t derive(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

private:
    std::uint64_t m_state;
};

} // namespace graft
