// Sensors registered by a static constructor before main(), sampled into a growing vector (heap).
#include <cstdio>
#include <memory>
#include <vector>

#include "mcubench.h"

namespace {

class Sensor {
public:
    virtual ~Sensor() = default;
    virtual int read(int t) const = 0;
};

class Ramp : public Sensor {
public:
    int read(int t) const override { return 3 * t + 1; }
};

class Square : public Sensor {
public:
    int read(int t) const override { return (t / 8) % 2 ? 100 : -100; }
};

struct Registry {
    std::vector<std::unique_ptr<Sensor>> sensors;

    Registry()
    {
        sensors.push_back(std::make_unique<Ramp>());
        sensors.push_back(std::make_unique<Square>());
        std::printf("registry: %u sensors\n", static_cast<unsigned>(sensors.size()));
    }
};

Registry registry;  // constructed by the start-up code, before main()

}  // namespace

int main()
{
    std::vector<int> samples;
    mcb_region_begin("sample");
    for (int t = 0; t < 64; ++t) {
        for (const auto &sensor : registry.sensors) {
            samples.push_back(sensor->read(t));
        }
    }
    mcb_region_end();
    long total = 0;
    for (int value : samples) {
        total += value;
    }
    std::printf("samples %u total %ld\n", static_cast<unsigned>(samples.size()), total);
    return 0;
}
