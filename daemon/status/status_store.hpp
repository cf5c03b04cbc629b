#pragma once
// StatusStore: each object's observed status as JSON, by key ("ContainerGroup/name"),
// for /status and, when a directory is given, as files <dir>/<kind>/[<namespace>/]<name>.json
// written atomically (temporary file in the same directory, fsync, rename). Reconcilers
// fill the fields; every string passes the log Redactor, so a secret never lands in a
// status. Changes made in one turn of the executor are written once, after that turn.
// Sinks (status_sink.hpp) hear of the same changes, and of events. Used on the
// executor's thread only.

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/status/status_conditions.hpp"
#include "daemon/status/status_sink.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"

namespace aci::status {

class StatusStore {
 public:
  // `directory` empty: memory only. Otherwise the statuses already there (from an
  // earlier run) are loaded, so condition transition times survive a restart. The
  // logger's redactor is the one applied.
  StatusStore(boost::asio::any_io_executor executor, log::Logger logger, std::string directory = "");
  // Writes what is still pending.
  ~StatusStore();
  StatusStore(const StatusStore&) = delete;
  StatusStore& operator=(const StatusStore&) = delete;

  // The sink is told every change (after the turn) and every event; it must outlive the store.
  void add_sink(StatusSink& sink) { sinks_.push_back(&sink); }

  // Calls `change` with the key's status (an empty object the first time).
  void update(const std::string& key, const std::function<void(nlohmann::json&)>& change);
  // The status a source found with the object (a custom resource's), taken as the
  // starting point when the store has none, so condition transition times survive a
  // restart. Written nowhere.
  void seed(const std::string& key, const nlohmann::json& status);
  // Tells the sinks (Kubernetes Events); the message is redacted like a status.
  void event(const std::string& key, EventType type, std::string_view reason, std::string_view action,
             std::string message);
  // Forgets the key and deletes its file.
  void remove(const std::string& key);
  // Removes every status, in memory and on disk, whose key is not in `keys`: call it
  // once the sources have read what exists, to drop objects deleted while stopped.
  void retain(const std::set<std::string>& keys);

  const nlohmann::json* find(const std::string& key) const;
  // {key: status, ...}
  nlohmann::json snapshot() const;
  // Writes pending files now rather than after the current turn.
  void flush();

  // Where a key's file goes; nullopt without a directory, or when the key cannot name a file safely.
  std::optional<std::string> file_for(const std::string& key) const;
  std::size_t files_written() const noexcept { return files_written_; }

 private:
  void mark_dirty(const std::string& key);
  void load();
  void write(const std::string& key);

  boost::asio::any_io_executor executor_;
  log::Logger logger_;
  std::string directory_;
  std::map<std::string, nlohmann::json> statuses_;
  std::vector<StatusSink*> sinks_;
  std::set<std::string> dirty_;  // keys whose file or sinks are out of date (told at flush)
  bool flush_posted_ = false;
  std::size_t files_written_ = 0;
  // Shared with a posted flush, which does nothing once the store is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace aci::status
