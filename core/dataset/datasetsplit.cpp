#include "core/dataset/datasetsplit.h"

#include <QMap>

#include <algorithm>
#include <cmath>

namespace graft {

std::uint64_t SeededRandom::next()
{
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::uint64_t SeededRandom::below(std::uint64_t bound)
{
    // Rejection sampling: plain modulo would favour small values.
    const std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % bound);
    std::uint64_t value;
    do {
        value = next();
    } while (value >= limit);
    return value % bound;
}

double SeededRandom::uniform()
{
    return double(next() >> 11) * (1.0 / 9007199254740992.0);
}

double SeededRandom::normal()
{
    double u1 = uniform();
    while (u1 <= 0.0)
        u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::uint64_t SeededRandom::derive(std::uint64_t seed, std::uint64_t a, std::uint64_t b)
{
    SeededRandom mixer(seed ^ (a * 0xD1B54A32D192ED03ull));
    SeededRandom second(mixer.next() ^ (b * 0x8CB92BA72F3D8DD7ull));
    return second.next();
}

DatasetSplit stratifiedSplit(const QVector<int> &labels, double validationFraction, std::uint64_t seed)
{
    DatasetSplit split;
    const double fraction = std::clamp(validationFraction, 0.0, 1.0);
    QMap<int, QVector<int>> byClass;
    for (int i = 0; i < labels.size(); ++i)
        byClass[labels[i]].append(i);

    for (auto it = byClass.cbegin(); it != byClass.cend(); ++it) {
        QVector<int> members = it.value();
        // Each class gets its own stream so adding samples to one class does not
        // reshuffle the others.
        SeededRandom random(SeededRandom::derive(seed, std::uint64_t(it.key()) + 1));
        for (int i = members.size() - 1; i > 0; --i)
            std::swap(members[i], members[int(random.below(std::uint64_t(i) + 1))]);

        const int count = members.size();
        int validationCount = int(std::lround(count * fraction));
        if (fraction > 0.0 && count >= 2)
            validationCount = std::clamp(validationCount, 1, count - 1);
        else if (count < 2)
            validationCount = fraction >= 1.0 ? count : 0;
        split.validation += members.mid(0, validationCount);
        split.train += members.mid(validationCount);
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.validation.begin(), split.validation.end());
    return split;
}

} // namespace graft
