#pragma once

#include <memory>

namespace graft {

/**
 * A cached FFTW double-precision real-to-complex plan of one size. Executing is
 * thread-safe; FFTW's planner is not, so plans are only made through plan(),
 * under one mutex, and shared.
 */
class RealFft final
{
public:
    /** The shared plan for size n (created on first use), or nullptr if FFTW refused. */
    static std::shared_ptr<const RealFft> plan(int n);
    ~RealFft();
    RealFft(const RealFft &) = delete;
    RealFft &operator=(const RealFft &) = delete;

    int size() const { return m_size; }
    int bins() const { return m_size / 2 + 1; }
    /**
     * input: size() doubles; output: bins() interleaved (re, im) doubles. Both must
     * come from allocate() so their alignment matches the plan's.
     */
    void execute(double *input, double *output) const;

    /** SIMD-aligned buffer of count doubles (fftw_malloc), freed by the deleter. */
    struct Free
    {
        void operator()(double *data) const;
    };
    using Buffer = std::unique_ptr<double[], Free>;
    static Buffer allocate(std::size_t count);

private:
    explicit RealFft(int n, void *plan);
    int m_size = 0;
    void *m_plan = nullptr;
};

} // namespace graft
