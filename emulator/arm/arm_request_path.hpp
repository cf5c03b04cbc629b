#pragma once
// ArmRequestPath: what an ARM request under /subscriptions/... addresses, read
// from the request target. Fixed segments ("resourceGroups", the provider
// namespace, "containerGroups") match case-insensitively as ARM matches them;
// names are percent-decoded. Parsing never fails: an unknown shape is Kind::unknown.

#include <map>
#include <string>
#include <string_view>

namespace aci::emulator::arm {

struct ArmRequestPath {
  enum class Kind {
    unknown,
    subscription_groups,    // /subscriptions/{s}/providers/Microsoft.ContainerInstance/containerGroups
    resource_group_groups,  // /subscriptions/{s}/resourceGroups/{rg}/providers/.../containerGroups
    group,                  // .../containerGroups/{name}
    group_action,           // .../containerGroups/{name}/{start|stop|restart}
    container_logs,         // .../containerGroups/{name}/containers/{container}/logs
    operation_status,       // /subscriptions/{s}[/resourceGroups/{rg}]/providers/.../locations/{l}/operations/{id}
    operation_result,       // /subscriptions/{s}/providers/.../locations/{l}/operationResults/{id}
  };

  Kind kind = Kind::unknown;
  std::string path;  // as received, without the query
  std::string subscription;
  std::string resource_group;
  std::string name;
  std::string action;     // lower case for group_action
  std::string container;  // for container_logs
  std::string location;
  std::string operation_id;
  std::map<std::string, std::string> query;  // decoded; first value wins

  // The query parameter, or empty.
  std::string param(const std::string& key) const;

  static ArmRequestPath parse(std::string_view target);
};

std::string percent_decode(std::string_view text);
// Encodes everything outside RFC 3986's unreserved set.
std::string percent_encode(std::string_view text);

}  // namespace aci::emulator::arm
