#include "latencyhistogram.h"

#include "loadresult.h"

#include <algorithm>
#include <cmath>

namespace vigil::loadtest {

LatencyHistogram::LatencyHistogram()
    : m_counts(size_t(kBuckets), 0)
{
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (!other.m_total)
        return;
    for (size_t i = 0; i < m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
    m_total += other.m_total;
    m_sum += other.m_sum;
    m_max = std::max(m_max, other.m_max);
    m_min = std::min(m_min, other.m_min);
}

void LatencyHistogram::reset()
{
    if (!m_total)
        return;
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_total = 0;
    m_sum = 0;
    m_max = 0;
    m_min = INT64_MAX;
}

uint64_t LatencyHistogram::lowerOf(int index)
{
    if (index < kExact)
        return uint64_t(index);
    const int k = 8 + (index - kExact) / kSub;
    const uint64_t mantissa = uint64_t(kSub + (index - kExact) % kSub);
    return mantissa << (k - kSubBits);
}

uint64_t LatencyHistogram::widthOf(int index)
{
    if (index < kExact)
        return 1;
    const int k = 8 + (index - kExact) / kSub;
    return uint64_t(1) << (k - kSubBits);
}

double LatencyHistogram::quantileNs(double q) const
{
    if (!m_total)
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<int64_t>(1, int64_t(std::ceil(q * double(m_total))));
    if (rank >= m_total)
        return double(m_max);
    int64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += int64_t(m_counts[size_t(i)]);
        if (seen >= rank) {
            if (i < kExact)
                return double(i);
            // The midpoint, clamped to what was really seen.
            const double mid = double(lowerOf(i)) + double(widthOf(i) - 1) / 2.0;
            return std::clamp(mid, double(m_min), double(m_max));
        }
    }
    return double(m_max);
}

LatencySummary summarize(const LatencyHistogram& h)
{
    LatencySummary s;
    s.avgMs = h.meanNs() / 1e6;
    s.p50Ms = h.quantileNs(0.50) / 1e6;
    s.p95Ms = h.quantileNs(0.95) / 1e6;
    s.p99Ms = h.quantileNs(0.99) / 1e6;
    s.maxMs = double(h.maxNs()) / 1e6;
    return s;
}

} // namespace vigil::loadtest
