#pragma once
// StatusWriter: the Kubernetes side of status. Each object's status goes to its
// status subresource (observedGeneration and conditions as the StatusStore holds
// them), written only when it differs from what the object carries; a 409 is retried
// with a fresh read. Events go to events.k8s.io/v1 (reportingController
// aci-operator): a repeat of the same reason and message within 10 minutes is folded
// into the first event's series, and each object may emit 25 events at once, then one
// per 5 minutes (client-go's spam filter). Event failures are logged, never fatal.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"
#include "daemon/kube/kube_client.hpp"
#include "daemon/status/status_sink.hpp"

namespace aci::kube {

class StatusWriter final : public status::StatusSink {
 public:
  // The object behind a key, as last seen (null when unknown).
  using ObjectLookup = std::function<const nlohmann::json*(const std::string& key)>;

  // The client and clock must outlive the writer. `instance` names this daemon in events.
  StatusWriter(boost::asio::any_io_executor executor, KubeClient& client, ObjectLookup lookup,
               const core::Clock& clock, log::Logger logger, std::string instance);
  ~StatusWriter() override;
  StatusWriter(const StatusWriter&) = delete;
  StatusWriter& operator=(const StatusWriter&) = delete;

  void publish(const std::string& key, const nlohmann::json* status) override;
  void event(const std::string& key, status::EventType type, std::string_view reason, std::string_view action,
             const std::string& message) override;

  std::size_t status_writes() const noexcept { return status_writes_; }

 private:
  struct Series {
    std::string name;  // the Event object's
    std::string namespace_;
    int count = 1;
    core::SteadyTime first;
  };
  struct Budget {
    double tokens = 0;
    core::SteadyTime refreshed;
  };

  boost::asio::awaitable<void> write_status(std::string key);
  boost::asio::awaitable<void> send_event(std::string key, nlohmann::json body, std::string fold_key);
  bool take_event_budget(const std::string& key);

  boost::asio::any_io_executor executor_;
  KubeClient& client_;
  ObjectLookup lookup_;
  const core::Clock& clock_;
  log::Logger logger_;
  std::string instance_;
  std::map<std::string, nlohmann::json> wanted_;  // by key: the status to write
  std::set<std::string> writing_;                 // keys with a write in flight
  std::map<std::string, Series> series_;          // by key, reason and message
  std::map<std::string, Budget> budgets_;         // by key
  std::size_t status_writes_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The status an object should carry for a StatusStore status: the store's
// bookkeeping fields ("kind", "name") dropped.
nlohmann::json subresource_status(const nlohmann::json& status);

}  // namespace aci::kube
