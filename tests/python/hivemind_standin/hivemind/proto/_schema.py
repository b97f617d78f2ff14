"""Builds protobuf message classes from a schema written as hivemind's .proto files define it (no protoc needed)."""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_TYPES = {"string": descriptor_pb2.FieldDescriptorProto.TYPE_STRING, "bytes": descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
          "double": descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE, "bool": descriptor_pb2.FieldDescriptorProto.TYPE_BOOL}


def messages(file_name, messages_and_fields, dependencies=()):
    """``messages_and_fields``: {message: [(field, number, type or message name)]}, proto3, all fields singular."""
    proto = descriptor_pb2.FileDescriptorProto(name=file_name, syntax="proto3", dependency=list(dependencies))
    for name, fields in messages_and_fields.items():
        message = proto.message_type.add(name=name)
        for field, number, kind in fields:
            entry = message.field.add(name=field, number=number, label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
            if kind in _TYPES:
                entry.type = _TYPES[kind]
            else:
                entry.type, entry.type_name = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE, "." + kind
    pool = descriptor_pool.Default()
    try:
        file = pool.FindFileByName(file_name)
    except KeyError:
        pool.AddSerializedFile(proto.SerializeToString())
        file = pool.FindFileByName(file_name)
    if hasattr(message_factory, "GetMessageClass"):
        return {name: message_factory.GetMessageClass(file.message_types_by_name[name]) for name in messages_and_fields}
    return {name: message_factory.MessageFactory(pool).GetPrototype(file.message_types_by_name[name]) for name in messages_and_fields}
