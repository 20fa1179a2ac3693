#include "core/audio/realfft.h"

#include <QMutex>
#include <QMutexLocker>

#include <fftw3.h>

#include <map>

namespace graft {

namespace {

QMutex &plannerMutex()
{
    static QMutex mutex;
    return mutex;
}

} // namespace

RealFft::RealFft(int n, void *plan) : m_size(n), m_plan(plan)
{ }

RealFft::~RealFft()
{
    QMutexLocker locker(&plannerMutex());
    fftw_destroy_plan(static_cast<fftw_plan>(m_plan));
}

std::shared_ptr<const RealFft> RealFft::plan(int n)
{
    if (n < 1)
        return nullptr;
    QMutexLocker locker(&plannerMutex());
    // Few distinct sizes exist in one process, so plans live until exit.
    static std::map<int, std::shared_ptr<const RealFft>> plans;
    auto found = plans.find(n);
    if (found != plans.end())
        return found->second;
    Buffer input = allocate(std::size_t(n));
    Buffer output = allocate(2 * std::size_t(n / 2 + 1));
    // FFTW_ESTIMATE, not MEASURE: a measured plan depends on timing, so the same
    // audio could round differently from run to run and break cached features.
    // The input is preserved (r2c default): callers keep the zeros outside the window.
    fftw_plan created =
        fftw_plan_dft_r2c_1d(n, input.get(), reinterpret_cast<fftw_complex *>(output.get()), FFTW_ESTIMATE);
    if (!created)
        return nullptr;
    std::shared_ptr<const RealFft> result(new RealFft(n, created));
    plans.emplace(n, result);
    return result;
}

void RealFft::execute(double *input, double *output) const
{
    fftw_execute_dft_r2c(static_cast<fftw_plan>(m_plan), input, reinterpret_cast<fftw_complex *>(output));
}

void RealFft::Free::operator()(double *data) const
{
    fftw_free(data);
}

RealFft::Buffer RealFft::allocate(std::size_t count)
{
    return Buffer(fftw_alloc_real(count));
}

} // namespace graft
