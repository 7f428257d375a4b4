#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::loadtest {

struct LatencySummary;

// Latencies in nanoseconds, log-linear buckets in the manner of HdrHistogram: exact below 256 ns,
// then 128 buckets per power of two, so any reported value is within 1/256 (0.4 %) of a latency
// that was recorded (the bucket midpoint is reported). Up to 2^43 ns (~2.4 h); longer values go
// to the last bucket. Recording is an index computation and an increment: no allocation, no lock.
// One histogram per worker thread per second; the collector merges them.
class LatencyHistogram
{
public:
    LatencyHistogram();

    void record(int64_t ns)
    {
        if (ns < 0)
            ns = 0;
        ++m_counts[std::size_t(indexOf(uint64_t(ns)))];
        ++m_total;
        m_sum += ns;
        if (ns > m_max)
            m_max = ns;
        if (ns < m_min)
            m_min = ns;
    }
    void merge(const LatencyHistogram& other);
    void reset();

    int64_t count() const { return m_total; }
    int64_t maxNs() const { return m_total ? m_max : 0; }
    int64_t minNs() const { return m_total ? m_min : 0; }
    double meanNs() const { return m_total ? double(m_sum) / double(m_total) : 0; }
    // The value at rank ceil(q * count) (q in [0, 1]), as the nearest-rank percentile of the raw
    // values would be, within the bucket accuracy; exact for the maximum. 0 when empty.
    double quantileNs(double q) const;

    static int indexOf(uint64_t ns)
    {
        if (ns < kExact)
            return int(ns);
        const int k = 63 - __builtin_clzll(ns); // >= 8
        if (k >= kMaxPower)
            return kBuckets - 1;
        const int shift = k - kSubBits;
        return kExact + (k - 8) * kSub + int((ns >> shift) - kSub);
    }
    // Lower bound and width of a bucket.
    static uint64_t lowerOf(int index);
    static uint64_t widthOf(int index);

    static constexpr int kSubBits = 7;
    static constexpr int kSub = 1 << kSubBits; // buckets per power of two
    static constexpr int kExact = 2 * kSub; // 256: below this every nanosecond has a bucket
    static constexpr int kMaxPower = 43;
    static constexpr int kBuckets = kExact + (kMaxPower - 8) * kSub;

private:
    std::vector<uint64_t> m_counts;
    int64_t m_total = 0;
    int64_t m_sum = 0;
    int64_t m_max = 0;
    int64_t m_min = INT64_MAX;
};

// Mean, p50/p95/p99 and max in milliseconds: what every runner reports of a histogram.
LatencySummary summarize(const LatencyHistogram& h);

} // namespace vigil::loadtest
