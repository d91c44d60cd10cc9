// SPDX-License-Identifier: Apache-2.0
#include "config_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace voxface::cli {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Drops a trailing `# comment` that is not inside quotes.
std::string StripComment(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' || c == ';') {
      return line.substr(0, i);
    }
  }
  return line;
}

std::string Unquote(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

// `["a", "b"]` -> {a, b}; a plain value -> {value}.
std::vector<std::string> Values(const std::string& v) {
  if (v.size() < 2 || v.front() != '[' || v.back() != ']') return {Unquote(v)};
  std::vector<std::string> out;
  std::string item;
  char quote = 0;
  for (char c : v.substr(1, v.size() - 2)) {
    if (quote) {
      if (c == quote) quote = 0;
      item += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      item += c;
    } else if (c == ',') {
      out.push_back(Unquote(Trim(item)));
      item.clear();
    } else {
      item += c;
    }
  }
  if (!Trim(item).empty()) out.push_back(Unquote(Trim(item)));
  return out;
}

}  // namespace

Result<std::vector<std::string>> ConfigFileArgs(const std::string& path, const CLI::App& command) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path);
  std::vector<std::string> args;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    line = Trim(StripComment(line));
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line != "[" + command.get_name() + "]") {
        return Status::InvalidArgument(where + "section " + line + " is not [" +
                                       command.get_name() + "]");
      }
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument(where + "expected 'name = value', got '" + line + "'");
    }
    std::string name = Trim(line.substr(0, eq));
    std::replace(name.begin(), name.end(), '_', '-');
    const std::string value = Trim(line.substr(eq + 1));
    const CLI::Option* option = command.get_option_no_throw("--" + name);
    if (name == "config" || option == nullptr) {
      return Status::InvalidArgument(where + "unknown setting '" + name + "' (see voxface " +
                                     command.get_name() + " --help)");
    }
    if (option->get_expected_max() == 0) {  // a flag: true/false
      if (value == "true") {
        args.push_back("--" + name);
      } else if (value != "false") {
        return Status::InvalidArgument(where + name + " is a switch: write true or false");
      }
      continue;
    }
    for (const std::string& v : Values(value)) {
      args.push_back("--" + name);
      args.push_back(v);
    }
  }
  return args;
}

Result<std::vector<std::string>> ExpandConfigFiles(int argc, char** argv, const CLI::App& app,
                                                   const std::vector<std::string>& with_config) {
  std::vector<std::string> args(argv, argv + argc);
  // The subcommand is the first argument naming one (flags of the main app take no values).
  size_t sub = 1;
  while (sub < args.size() && args[sub].rfind("-", 0) == 0) ++sub;
  if (sub >= args.size() ||
      std::find(with_config.begin(), with_config.end(), args[sub]) == with_config.end()) {
    return args;
  }
  const CLI::App* command = app.get_subcommand(args[sub]);
  for (size_t i = sub + 1; i < args.size(); ++i) {
    std::string path;
    size_t consumed = 0;
    if (args[i] == "--config" && i + 1 < args.size()) {
      path = args[i + 1];
      consumed = 2;
    } else if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
      consumed = 1;
    } else {
      continue;
    }
    VF_ASSIGN_OR_RETURN(std::vector<std::string> from_file, ConfigFileArgs(path, *command));
    args.erase(args.begin() + i, args.begin() + i + consumed);
    args.insert(args.begin() + sub + 1, from_file.begin(), from_file.end());
    break;
  }
  return args;
}

}  // namespace voxface::cli
