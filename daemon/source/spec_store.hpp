#pragma once
// SpecStore: the desired state as last read from a source, by key
// ("ContainerGroup/name", or "ContainerGroup/namespace/name" when metadata.namespace
// is set). An origin (a file, or a custom resource) replaces its own declarations as
// a whole. A declaration that fails to parse, or a key that two origins declare,
// marks the object with an error and keeps its last good spec, so nothing already
// running is harmed; only a clean read (or the origin's removal) deletes an object.
// Used on the executor's thread only; the listener is told every key whose entry may
// have changed, after the store is consistent again. An object being deleted in its
// source (a custom resource with a deletionTimestamp) stays until the controllers
// release() it, which tells the source (to drop its finalizer).

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/model/resource_parser.hpp"

namespace aci::source {

std::string resource_key(std::string_view kind, std::string_view namespace_, std::string_view name);
// "<key> is declared in more than one file: a.yaml, b.yaml"
std::string declared_more_than_once(std::string_view key, const std::set<std::string>& origins);

struct SpecEntry {
  // The last spec that parsed cleanly while only one origin declared the key; empty
  // if there never was one. Act on it only while `error` is empty.
  std::optional<model::Resource> resource;
  std::string origin;  // where it is declared, e.g. the file path (the first one, when several are)
  std::string error;   // non-empty while the latest read failed or the key is declared twice
};

class SpecStore {
 public:
  using Listener = std::function<void(const std::string& key)>;
  void set_listener(Listener listener) { listener_ = std::move(listener); }
  using Releaser = std::function<void(const std::string& key)>;
  void set_releaser(Releaser releaser) { releaser_ = std::move(releaser); }

  // The controllers are done with `key`: it is gone from the store, or it is being
  // deleted and its deletion policy has run. Tells the source; no effect on the store.
  void release(const std::string& key) const {
    if (releaser_) releaser_(key);
  }

  // Replaces what `origin` declared with `parsed`.
  void update_origin(const std::string& origin, const model::ParseResult& parsed);
  // The origin is gone (file deleted): what it alone declared is deleted.
  void remove_origin(const std::string& origin);

  const SpecEntry* find(const std::string& key) const;
  // Keys of one kind, sorted.
  std::vector<std::string> keys(std::string_view kind) const;
  std::size_t size() const { return entries_.size(); }
  // Errors that belong to no object (a file that is not YAML, a document without
  // kind or name), by origin.
  std::map<std::string, std::string> origin_errors() const;
  bool has_origin_error(const std::string& origin) const;

 private:
  struct Declaration {
    std::optional<model::Resource> resource;  // set when the document parsed cleanly
    std::string error;
  };
  struct Origin {
    std::map<std::string, Declaration> declarations;  // by key
    std::string error;                                // errors of documents no key can be given to
  };

  // Puts `next` in the place of what `origin` declared (nothing: the origin is gone).
  void replace(const std::string& origin, std::optional<Origin> next);
  // Recomputes the entry of `key` from every origin that declares it.
  void settle(const std::string& key);

  Listener listener_;
  Releaser releaser_;
  std::map<std::string, Origin> origins_;
  std::map<std::string, std::set<std::string>> origins_by_key_;
  std::map<std::string, SpecEntry, std::less<>> entries_;
};

}  // namespace aci::source
