#include "emulator/emulator_command_line.hpp"

#include <charconv>

namespace aci::emulator {
namespace {

template <class Int>
std::optional<Int> parse_int(const std::string& text) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "5", "5s", "1500ms", "2m".
std::optional<std::chrono::milliseconds> parse_duration(std::string text, std::chrono::milliseconds unit) {
  using namespace std::chrono;
  milliseconds scale = unit;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    scale = milliseconds(1);
    text.resize(text.size() - 2);
  } else if (!text.empty() && text.back() == 's') {
    scale = seconds(1);
    text.pop_back();
  } else if (!text.empty() && text.back() == 'm') {
    scale = minutes(1);
    text.pop_back();
  }
  auto value = parse_int<long>(text);
  if (!value || *value < 0) return std::nullopt;
  return scale * *value;
}

}  // namespace

std::string emulator_usage() {
  return R"(Usage: azure-emulator [options]

A local HTTPS emulator of Azure (Entra ID, IMDS, ARM container groups, Key Vault,
Microsoft Graph, Azure Container Registry) on one loopback port. See docs/emulator.md.

Options:
  --seed FILE                 world to start with (YAML or JSON), e.g. config/emulator-demo.yaml
  --port N                    port to listen on (default 8443; 0 picks a free one)
  --address ADDR              address to listen on (default 127.0.0.1)
  --state-dir DIR             where the CA, server and token-signing keys live (default: a new
                              temporary directory); an existing CA there is reused
  --state-file FILE           persist the world here after every change and load it at start
  --propagation-delay DUR     how long a new password takes to work (default 5s; "0", "3s", "500ms")
  --provisioning-duration DUR how long a container group deployment takes (default 3s)
  --faults FILE               fault-injection settings (JSON or YAML, as POST /_emulator/faults)
  --tls-cert FILE --tls-key FILE
                              serve this certificate instead of making one
  --random-seed N             fix the random source (ids, passwords) for reproducible runs
  --help, --version
)";
}

Expected<EmulatorCommandLine, std::string> parse_emulator_command_line(const std::vector<std::string>& args) {
  EmulatorCommandLine line;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "--help" || flag == "-h") {
      line.help = true;
      continue;
    }
    if (flag == "--version") {
      line.version = true;
      continue;
    }
    auto value = [&]() -> Expected<std::string, std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return unexpected(flag + " needs a value");
      return args[++i];
    };
    auto v = value();
    if (!v) return unexpected(v.error());
    const std::string& text = *v;
    if (flag == "--seed") {
      line.seed_file = text;
    } else if (flag == "--port") {
      auto port = parse_int<std::uint16_t>(text);
      if (!port) return unexpected("--port must be a number from 0 to 65535, not '" + text + "'");
      line.port = *port;
    } else if (flag == "--address") {
      line.address = text;
    } else if (flag == "--state-dir") {
      line.state_dir = text;
    } else if (flag == "--state-file") {
      line.state_file = text;
    } else if (flag == "--faults") {
      line.faults_file = text;
    } else if (flag == "--tls-cert") {
      line.tls_cert = text;
    } else if (flag == "--tls-key") {
      line.tls_key = text;
    } else if (flag == "--propagation-delay") {
      auto duration = parse_duration(text, std::chrono::seconds(1));
      if (!duration) return unexpected("--propagation-delay must be a duration such as 5, 5s or 500ms, not '" + text + "'");
      line.propagation_delay = std::chrono::duration_cast<std::chrono::seconds>(*duration);
    } else if (flag == "--provisioning-duration") {
      auto duration = parse_duration(text, std::chrono::seconds(1));
      if (!duration) return unexpected("--provisioning-duration must be a duration such as 3s or 500ms, not '" + text + "'");
      line.provisioning_duration = *duration;
    } else if (flag == "--random-seed") {
      auto seed = parse_int<std::uint64_t>(text);
      if (!seed) return unexpected("--random-seed must be a number, not '" + text + "'");
      line.random_seed = *seed;
    } else {
      return unexpected("unknown option '" + flag + "' (see --help)");
    }
  }
  if (line.tls_cert.empty() != line.tls_key.empty()) return unexpected(std::string("--tls-cert and --tls-key go together"));
  return line;
}

}  // namespace aci::emulator
