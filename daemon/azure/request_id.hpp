#pragma once
// Random UUID v4 strings for x-ms-client-request-id and JWT "jti" claims. The
// generator is injected (seeded from std::random_device in the daemon, a constant in
// tests) so request ids in tests are reproducible. Not thread-safe.

#include <cstdint>
#include <functional>
#include <string>

namespace aci::azure {

using IdGenerator = std::function<std::string()>;

IdGenerator make_id_generator(std::uint64_t seed);

}  // namespace aci::azure
