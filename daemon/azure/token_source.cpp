#include "daemon/azure/token_source.hpp"

namespace aci::azure {

std::string scope_to_resource(const std::string& scope) {
  constexpr std::string_view kSuffix = "/.default";
  if (scope.size() >= kSuffix.size() && scope.compare(scope.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
    return scope.substr(0, scope.size() - kSuffix.size());
  return scope;
}

}  // namespace aci::azure
