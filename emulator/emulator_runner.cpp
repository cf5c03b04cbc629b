#include "emulator/emulator_runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "daemon/crypto/certificate.hpp"
#include "daemon/http/server.hpp"
#include "daemon/http/tls_context.hpp"
#include "emulator/emulator.hpp"
#include "emulator/seed/seed_file.hpp"

namespace aci::emulator {
namespace {

namespace asio = boost::asio;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool write_file(const std::string& path, const std::string& text, mode_t mode) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  ::chmod(temp.c_str(), mode);
  return std::rename(temp.c_str(), path.c_str()) == 0;
}

// A key pair kept in the state directory: reused when both files are there, so clients
// keep trusting the CA and tokens keep verifying across restarts.
template <class Make>
Expected<crypto::KeyAndCertificate, std::string> stored_pair(const std::string& dir, const std::string& name, Make make) {
  const std::string cert_path = dir + "/" + name + ".pem";
  const std::string key_path = dir + "/" + name + "-key.pem";
  auto cert = read_file(cert_path);
  auto key = read_file(key_path);
  if (cert && key) return crypto::KeyAndCertificate{*key, *cert};
  auto made = make();
  if (!made) return unexpected(name + ": " + made.error());
  if (!write_file(key_path, made->key_pem, 0600) || !write_file(cert_path, made->certificate_pem, 0644))
    return unexpected("cannot write " + cert_path + " or " + key_path);
  return made;
}

Expected<std::string, std::string> prepare_state_dir(const std::string& requested) {
  if (!requested.empty()) {
    if (::mkdir(requested.c_str(), 0700) != 0 && errno != EEXIST)
      return unexpected("cannot create --state-dir " + requested);
    return requested;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/azure-emulator-XXXXXX";
  if (!::mkdtemp(pattern.data())) return unexpected("cannot create a temporary state directory");
  return pattern;
}

}  // namespace

int run_emulator(const EmulatorCommandLine& line) {
  auto fail = [](const std::string& message) {
    std::cerr << "azure-emulator: " << message << std::endl;
    return 1;
  };
  auto state_dir = prepare_state_dir(line.state_dir);
  if (!state_dir) return fail(state_dir.error());

  using std::chrono::hours;
  auto ca = stored_pair(*state_dir, "ca", [] { return crypto::make_certificate_authority("azure-emulator CA", hours(24 * 3650)); });
  if (!ca) return fail(ca.error());
  auto token_signing = stored_pair(*state_dir, "token-signing", [&] {
    return crypto::make_leaf_certificate(*ca, "azure-emulator token signing", {}, {}, hours(24 * 3650));
  });
  if (!token_signing) return fail(token_signing.error());

  std::string server_chain, server_key;
  std::string ca_path = *state_dir + "/ca.pem";
  if (!line.tls_cert.empty()) {
    auto cert = read_file(line.tls_cert);
    auto key = read_file(line.tls_key);
    if (!cert || !key) return fail("cannot read --tls-cert or --tls-key");
    server_chain = *cert;
    server_key = *key;
    ca_path = "(given by --tls-cert)";
  } else {
    auto server = crypto::make_leaf_certificate(
        *ca, "azure-emulator",
        {"localhost", "management.azure.com", "login.microsoftonline.com", "graph.microsoft.com", "*.vault.azure.net",
         "*.azurecr.io"},
        {"127.0.0.1", "::1"}, hours(24 * 365));
    if (!server) return fail("server certificate: " + server.error());
    server_chain = server->certificate_pem + ca->certificate_pem;
    server_key = server->key_pem;
    write_file(*state_dir + "/server.pem", server_chain, 0644);
  }
  auto tls = http::make_server_tls_context(server_chain, server_key);
  if (!tls) return fail(tls.error());

  asio::io_context io;
  std::unique_ptr<Emulator> emulator;
  http::ServerOptions server_options;
  server_options.address = line.address;
  server_options.port = line.port;
  server_options.tls = *tls;
  server_options.body_limit =
      std::size_t{8} * 1024 * 1024;  // bigger than the emulator's own limit, which answers in Azure's shape
  http::HttpServer server(io.get_executor(), server_options,
                          [&emulator](http::ServerRequest& request, const http::RequestContext& context) {
                            return emulator->handle(request, context);
                          });
  auto endpoint = server.listen();
  if (!endpoint) return fail(endpoint.error());

  EmulatorOptions options;
  const std::string host = endpoint->address().is_v6() ? "[" + endpoint->address().to_string() + "]"
                                                       : endpoint->address().to_string();
  options.base_url = "https://" + host + ":" + std::to_string(endpoint->port());
  options.state_file = line.state_file;
  options.random_seed = line.random_seed ? *line.random_seed : std::random_device{}();
  if (line.propagation_delay) options.propagation_delay = *line.propagation_delay;
  if (line.provisioning_duration) options.arm.provisioning_duration = *line.provisioning_duration;
  options.arm.random_seed = options.random_seed;
  emulator = std::make_unique<Emulator>(io.get_executor(), system_now(), *token_signing, options);

  auto restored = emulator->restore();
  if (!restored) return fail(restored.error());
  if (!*restored && !line.seed_file.empty()) {
    auto seed = read_seed_file(line.seed_file);
    if (!seed) return fail(seed.error());
    if (auto seeded = emulator->seed(*seed); !seeded) return fail("seed file " + line.seed_file + ": " + seeded.error());
  }
  if (line.propagation_delay) emulator->directory().set_propagation_delay(*line.propagation_delay);
  if (!line.faults_file.empty()) {
    auto document = read_seed_file(line.faults_file);
    if (!document) return fail(document.error());
    auto faults = parse_fault_settings(*document);
    if (!faults) return fail("--faults " + line.faults_file + ": " + faults.error());
    emulator->configure_faults(std::move(*faults));
  }

  std::cout << "azure-emulator listening on " << options.base_url << "\n"
            << "ca: " << ca_path << "\n"
            << "state-dir: " << *state_dir << std::endl;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server.stop();
    io.stop();
  });
  io.run();
  return 0;
}

}  // namespace aci::emulator
