using System;
using System.Collections.Generic;
using HaPg.Components.Common;
using Xunit;

namespace HaPg.Tests.Components.Common
{
    public class DataTreeTests
    {
        [Fact]
        public void ParsesCompactJsonWithTypesEscapesAndBigIntegers()
        {
            var json = "[{\"Endpoint\":\"10.0.0.1:2379\",\"Status\":{\"header\":{\"member_id\":17237436991929493444},\"ok\":true,\"none\":null,\"ratio\":1.5,\"msg\":\"a\\\"b\\/c\\u0041\"}}]";

            var list = DataTree.ParseList(json);

            var item = Assert.IsType<DataMap>(Assert.Single(list));
            Assert.Equal("10.0.0.1:2379", item.String("Endpoint"));
            var status = item.Map("Status")!;
            Assert.Equal("17237436991929493444", status.Map("header")!.String("member_id"));
            Assert.Equal(true, status.Bool("ok"));
            Assert.Null(status.Get("none"));
            Assert.Equal(1.5m, status.Get("ratio"));
            Assert.Equal("a\"b/cA", status.String("msg"));
        }

        [Fact]
        public void QuotedNumbersStayStrings()
        {
            var map = DataTree.ParseMap("{\"a\": \"42\", \"b\": 42}");

            Assert.IsType<string>(map.Get("a"));
            Assert.Equal(42L, map.Long("b"));
        }

        [Fact]
        public void RejectsGarbageWithFormatException()
        {
            Assert.Throws<FormatException>(() => DataTree.Parse("{\"a\": [1, 2"));
            Assert.Throws<FormatException>(() => DataTree.ParseMap("[1]"));
        }

        [Fact]
        public void YamlQuotesEveryStringAndRoundTrips()
        {
            var tree = new DataMap
            {
                { "hot_standby", "on" },
                { "password", "p'a\"ss: #x" },
                { "ttl", 30 },
                { "flag", false },
                { "initdb", new List<object?> { new DataMap { { "encoding", "UTF8" } }, "data-checksums" } },
            };

            var yaml = DataTree.ToYaml(tree);

            Assert.Contains("hot_standby: \"on\"\n", yaml);
            Assert.Contains("ttl: 30\n", yaml);
            Assert.Contains("flag: false\n", yaml);
            Assert.Contains("- encoding: \"UTF8\"\n", yaml);
            Assert.DoesNotContain("...", yaml);
            var back = DataTree.ParseMap(yaml);
            Assert.Equal("p'a\"ss: #x", back.String("password"));
            Assert.Equal(30L, back.Long("ttl"));
            Assert.Equal(false, back.Bool("flag"));
            Assert.Equal("data-checksums", back.List("initdb")[1]);
        }

        [Fact]
        public void JsonWriterEscapesAndKeepsOrder()
        {
            var json = DataTree.ToJson(new DataMap
            {
                { "z", 1 },
                { "a", new List<object?> { "x\"y\n", true, null } },
                { "m", new DataMap { { "k", 2.5m } } },
            });

            Assert.Equal("{\"z\":1,\"a\":[\"x\\\"y\\n\",true,null],\"m\":{\"k\":2.5}}", json);
        }
    }
}
