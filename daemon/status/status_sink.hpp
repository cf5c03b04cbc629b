#pragma once
// StatusSink: where observed status and events go besides /status and the status
// files: in Kubernetes mode, the status subresource and events.k8s.io Events. A sink
// gets what the StatusStore has already redacted and repaired (no secret, valid UTF-8).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aci::status {

enum class EventType { normal, warning };

class StatusSink {
 public:
  virtual ~StatusSink() = default;
  // The key's status after the changes of one executor turn; null once it is removed.
  virtual void publish(const std::string& key, const nlohmann::json* status) = 0;
  // Something worth telling about the object: `reason` is CamelCase ("Created"),
  // `action` what the daemon did ("Create").
  virtual void event(const std::string& key, EventType type, std::string_view reason, std::string_view action,
                     const std::string& message) = 0;
};

}  // namespace aci::status
