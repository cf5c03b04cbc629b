#include "daemon/source/spec_store.hpp"

namespace aci::source {

namespace {

void append(std::string& text, std::string_view more) {
  if (more.empty()) return;
  if (!text.empty()) text += "; ";
  text += more;
}

}  // namespace

std::string resource_key(std::string_view kind, std::string_view namespace_, std::string_view name) {
  std::string key(kind);
  key += '/';
  if (!namespace_.empty()) {
    key += namespace_;
    key += '/';
  }
  key += name;
  return key;
}

std::string declared_more_than_once(std::string_view key, const std::set<std::string>& origins) {
  std::string message(key);
  message += " is declared in more than one file: ";
  for (const auto& origin : origins) {
    if (origin != *origins.begin()) message += ", ";
    message += origin;
  }
  return message;
}

void SpecStore::update_origin(const std::string& origin, const model::ParseResult& parsed) {
  Origin next;
  for (const auto& document : parsed.documents) {
    if (document.kind.empty() || document.name.empty()) {
      append(next.error, document.summary());
      continue;
    }
    auto& declaration = next.declarations[resource_key(document.kind, document.namespace_, document.name)];
    // The parser rejects the later of two documents with one key in a file; the
    // first one's spec then stays unused, since the error is the key's.
    if (document.ok() && !declaration.resource) declaration.resource = document.resource;
    append(declaration.error, document.summary());
  }
  if (auto previous = origins_.find(origin); previous != origins_.end() && !next.error.empty()) {
    for (const auto& [key, unused] : previous->second.declarations) {
      // The file is partly unreadable and this object may still be in it: it stays,
      // with the error, until a clean read says otherwise.
      if (!next.declarations.contains(key)) next.declarations[key].error = next.error;
    }
  }
  replace(origin, std::move(next));
}

void SpecStore::remove_origin(const std::string& origin) { replace(origin, std::nullopt); }

void SpecStore::replace(const std::string& origin, std::optional<Origin> next) {
  std::set<std::string> touched;
  if (auto previous = origins_.find(origin); previous != origins_.end()) {
    for (const auto& [key, unused] : previous->second.declarations) touched.insert(key);
  }
  if (next) {
    for (const auto& [key, unused] : next->declarations) touched.insert(key);
  }
  for (const auto& key : touched) {
    if (next && next->declarations.contains(key)) {
      origins_by_key_[key].insert(origin);
    } else if (auto by_key = origins_by_key_.find(key); by_key != origins_by_key_.end()) {
      by_key->second.erase(origin);
      if (by_key->second.empty()) origins_by_key_.erase(by_key);
    }
  }
  if (next) {
    origins_[origin] = std::move(*next);
  } else {
    origins_.erase(origin);
  }
  for (const auto& key : touched) settle(key);
  if (listener_) {
    for (const auto& key : touched) listener_(key);
  }
}

void SpecStore::settle(const std::string& key) {
  const auto by_key = origins_by_key_.find(key);
  if (by_key == origins_by_key_.end()) {
    entries_.erase(key);
    return;
  }
  const auto& declaring = by_key->second;
  auto& entry = entries_[key];
  if (declaring.size() > 1) {
    // Neither file wins: which one is meant is for a person to decide.
    if (!declaring.contains(entry.origin)) entry.origin = *declaring.begin();
    entry.error = declared_more_than_once(key, declaring);
    return;
  }
  entry.origin = *declaring.begin();
  const auto& declaration = origins_.at(entry.origin).declarations.at(key);
  entry.error = declaration.error;
  if (declaration.error.empty()) entry.resource = declaration.resource;
}

const SpecEntry* SpecStore::find(const std::string& key) const {
  const auto found = entries_.find(key);
  return found == entries_.end() ? nullptr : &found->second;
}

std::vector<std::string> SpecStore::keys(std::string_view kind) const {
  std::vector<std::string> result;
  const std::string prefix = std::string(kind) + "/";
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.starts_with(prefix); ++it) {
    result.push_back(it->first);
  }
  return result;
}

std::map<std::string, std::string> SpecStore::origin_errors() const {
  std::map<std::string, std::string> errors;
  for (const auto& [origin, state] : origins_) {
    if (!state.error.empty()) errors.emplace(origin, state.error);
  }
  return errors;
}

bool SpecStore::has_origin_error(const std::string& origin) const {
  const auto found = origins_.find(origin);
  return found != origins_.end() && !found->second.error.empty();
}

}  // namespace aci::source
