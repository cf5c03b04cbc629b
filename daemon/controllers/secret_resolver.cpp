#include "daemon/controllers/secret_resolver.hpp"

namespace aci::controllers {

SecretResolver::SecretResolver(azure::KeyVaultClient& key_vault, const core::Clock& clock, core::Duration max_age)
    : key_vault_(key_vault), clock_(clock), max_age_(max_age) {}

boost::asio::awaitable<Expected<model::ResolvedSecrets, std::string>> SecretResolver::resolve(
    const std::vector<model::KeyVaultRef>& refs, const std::map<model::KeyVaultRef, std::string>& pinned) {
  co_return co_await read(refs, false, pinned);
}

boost::asio::awaitable<Expected<model::ResolvedSecrets, std::string>> SecretResolver::refresh(
    const std::vector<model::KeyVaultRef>& refs) {
  co_return co_await read(refs, true, {});
}

model::ResolvedSecrets SecretResolver::cached(const std::vector<model::KeyVaultRef>& refs) const {
  model::ResolvedSecrets resolved;
  for (const auto& ref : refs) {
    if (const auto found = cache_.find(ref); found != cache_.end()) resolved[ref] = found->second.secret;
  }
  return resolved;
}

boost::asio::awaitable<Expected<model::ResolvedSecrets, std::string>> SecretResolver::read(
    const std::vector<model::KeyVaultRef>& refs, bool force, const std::map<model::KeyVaultRef, std::string>& pinned) {
  model::ResolvedSecrets resolved;
  std::string failures;
  for (const auto& ref : refs) {
    if (const auto pin = pinned.find(ref); pin != pinned.end()) {
      const auto cached = cache_.find(ref);
      if (cached != cache_.end() && cached->second.secret.version == pin->second) {
        resolved[ref] = cached->second.secret;
        continue;
      }
      auto known = versions_.find({ref, pin->second});
      if (known == versions_.end()) {
        ++reads_;
        auto secret = co_await key_vault_.get_secret(ref.vault, ref.secret, pin->second);
        if (!secret) {
          if (!failures.empty()) failures += "; ";
          failures += "Key Vault secret " + ref.to_string() + " version " + pin->second + ": " +
                      secret.error().to_string();
          continue;
        }
        known = versions_.emplace(std::pair{ref, pin->second}, std::move(secret->value)).first;
      }
      resolved[ref] = model::ResolvedSecret{known->second, pin->second};
      continue;
    }
    const auto cached = cache_.find(ref);
    if (!force && cached != cache_.end() && clock_.steady_now() - cached->second.fetched < max_age_) {
      resolved[ref] = cached->second.secret;
      continue;
    }
    ++reads_;
    auto secret = co_await key_vault_.get_secret(ref.vault, ref.secret);
    if (!secret) {
      if (!failures.empty()) failures += "; ";
      failures += "Key Vault secret " + ref.to_string() + ": " + secret.error().to_string();
      continue;
    }
    model::ResolvedSecret value{std::move(secret->value), secret->properties.version};
    cache_[ref] = Entry{value, clock_.steady_now()};
    resolved[ref] = std::move(value);
  }
  if (!failures.empty()) co_return unexpected(std::move(failures));
  co_return resolved;
}

}  // namespace aci::controllers
